package memory

import (
	"encoding/binary"
	"math"
	"math/bits"

	"github.com/rk-redis/rk/internal/resp"
)

// Bitmap commands: SETBIT GETBIT BITCOUNT BITPOS BITOP BITFIELD
// BITFIELD_RO. They work on string values, bit 0 being the most
// significant bit of the first byte. A write edits the string in place,
// which makes OBJECT ENCODING report it "raw", as Redis does.
var bitmapCommands = map[string]handler{
	"setbit":      cmdSetBit,
	"getbit":      cmdGetBit,
	"bitcount":    cmdBitCount,
	"bitpos":      cmdBitPos,
	"bitop":       cmdBitOp,
	"bitfield":    cmdBitField,
	"bitfield_ro": cmdBitFieldRO,
}

// Errors only the bitmap commands give.
var (
	errBitOffset       error = resp.Error("ERR bit offset is not an integer or out of range")
	errBitValue        error = resp.Error("ERR bit is not an integer or out of range")
	errBitArg          error = resp.Error("ERR The bit argument must be 1 or 0.")
	errBitOpNot        error = resp.Error("ERR BITOP NOT must be called with a single source key.")
	errBitfieldType    error = resp.Error("ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.")
	errBitfieldOverflw error = resp.Error("ERR Invalid OVERFLOW type specified")
	errBitfieldRO      error = resp.Error("ERR BITFIELD_RO only supports the GET subcommand")
)

// bitOffsetArg reads a bit offset: a non-negative integer whose byte lies
// within proto-max-bulk-len. With hashBits > 0 (BITFIELD) the form
// "#<n>" means n times hashBits.
func (c *client) bitOffsetArg(arg []byte, hashBits int) (uint64, error) {
	useHash := hashBits > 0 && len(arg) > 0 && arg[0] == '#'
	if useHash {
		arg = arg[1:]
	}
	n, ok := resp.ParseInt(arg)
	if !ok {
		return 0, errBitOffset
	}
	if useHash {
		n *= int64(hashBits) // may wrap, as in Redis; caught below
	}
	if n < 0 || n>>3 >= c.e.cfg.protoMaxBulkLen {
		return 0, errBitOffset
	}
	return uint64(n), nil
}

// bitWriteString is the write lookup of the bitmap commands (Redis's
// lookupStringForBitCommand): it creates the string, or pads it with zero
// bytes, so that bit maxBit exists, and marks it edited in place. grew
// reports whether it was created or lengthened.
func (c *client) bitWriteString(key []byte, maxBit uint64) (o *object, grew bool, err error) {
	if o, err = checkKind(c.writeKey(c.db, key), kindString); err != nil {
		return nil, false, err
	}
	need := int(maxBit>>3) + 1
	if o == nil {
		c.db.insert(key, &object{kind: kindString, str: make([]byte, need), raw: true, lru: c.e.lruClock()})
		return c.db.lookup(key), true, nil
	}
	if len(o.str) < need {
		o.str = growZero(o.str, need)
		grew = true
	}
	o.raw = true
	return o, grew, nil
}

// bitReadString is the read lookup of the bitmap commands: nil for a
// missing key, WRONGTYPE for a value that is not a string.
func (c *client) bitReadString(key []byte) (*object, error) {
	return checkKind(c.readKey(key, false), kindString)
}

// ---------------------------------------------------------------------------
// SETBIT GETBIT

func cmdSetBit(c *client, argv [][]byte, w resp.ReplyWriter) error {
	offset, err := c.bitOffsetArg(argv[2], 0)
	if err != nil {
		return err
	}
	on, ok := resp.ParseInt(argv[3])
	if !ok || on&^1 != 0 {
		return errBitValue
	}
	key := argv[1]
	o, grew, err := c.bitWriteString(key, offset)
	if err != nil {
		return err
	}
	byteIdx, mask := offset>>3, byte(0x80)>>(offset&7)
	old := o.str[byteIdx]&mask != 0
	if grew || old != (on == 1) {
		if on == 1 {
			o.str[byteIdx] |= mask
		} else {
			o.str[byteIdx] &^= mask
		}
		c.db.modified(key)
		c.e.dirty++
	}
	w.WriteInt(setBoolInt(old))
	return nil
}

func cmdGetBit(c *client, argv [][]byte, w resp.ReplyWriter) error {
	offset, err := c.bitOffsetArg(argv[2], 0)
	if err != nil {
		return err
	}
	o, err := c.bitReadString(argv[1])
	if err != nil {
		return err
	}
	bit := false
	if o != nil {
		if i := offset >> 3; i < uint64(len(o.str)) {
			bit = o.str[i]&(0x80>>(offset&7)) != 0
		}
	}
	w.WriteInt(setBoolInt(bit))
	return nil
}

// ---------------------------------------------------------------------------
// BITCOUNT BITPOS

// bitRange turns a BITCOUNT/BITPOS range over a string of n bytes into
// byte indexes, clipped to the string, and, for a range in bits, masks of
// the bits of the first and last byte that lie outside it. start > end
// means the range is empty.
func bitRange(start, end, n int64, isBit bool) (int64, int64, byte, byte) {
	total := n
	if isBit {
		total <<= 3
	}
	if start < 0 {
		start += total
	}
	if end < 0 {
		end += total
	}
	start, end = max(start, 0), max(end, 0)
	if end >= total {
		end = total - 1
	}
	var firstMask, lastMask byte
	if isBit && start <= end {
		firstMask = ^byte(0xff >> (start & 7))
		lastMask = byte(1<<(7-(end&7))) - 1
		start >>= 3
		end >>= 3
	}
	return start, end, firstMask, lastMask
}

// bitUnit reads the BIT|BYTE argument of BITCOUNT and BITPOS.
func bitUnit(arg []byte) (bool, error) {
	switch {
	case optIs(arg, "bit"):
		return true, nil
	case optIs(arg, "byte"):
		return false, nil
	}
	return false, resp.ErrSyntax
}

func cmdBitCount(c *client, argv [][]byte, w resp.ReplyWriter) error {
	var start, end int64
	var firstMask, lastMask byte
	var o *object
	switch len(argv) {
	case 4, 5:
		var ok bool
		if start, ok = resp.ParseInt(argv[2]); !ok {
			return resp.ErrNotInt
		}
		if end, ok = resp.ParseInt(argv[3]); !ok {
			return resp.ErrNotInt
		}
		isBit := false
		if len(argv) == 5 {
			var err error
			if isBit, err = bitUnit(argv[4]); err != nil {
				return err
			}
		}
		var err error
		if o, err = c.bitReadString(argv[1]); err != nil {
			return err
		}
		if start < 0 && end < 0 && start > end {
			w.WriteInt(0)
			return nil
		}
		var n int64
		if o != nil {
			n = int64(len(o.str))
		}
		start, end, firstMask, lastMask = bitRange(start, end, n, isBit)
	case 2:
		var err error
		if o, err = c.bitReadString(argv[1]); err != nil {
			return err
		}
		if o != nil {
			end = int64(len(o.str)) - 1
		}
	default:
		return resp.ErrSyntax
	}
	if o == nil || start > end {
		w.WriteInt(0)
		return nil
	}
	p := o.str
	count := bitPopcount(p[start : end+1])
	count -= int64(bits.OnesCount8(p[start]&firstMask) + bits.OnesCount8(p[end]&lastMask))
	w.WriteInt(count)
	return nil
}

// bitPopcount counts the set bits of p.
func bitPopcount(p []byte) int64 {
	var n int
	for len(p) >= 8 {
		n += bits.OnesCount64(binary.LittleEndian.Uint64(p))
		p = p[8:]
	}
	for _, b := range p {
		n += bits.OnesCount8(b)
	}
	return int64(n)
}

// bitFirst is the position of the first bit equal to bit in p. Past the
// end the string counts as zeros: with no 0 bit it answers len(p)*8, with
// no 1 bit -1.
func bitFirst(p []byte, bit int64) int64 {
	skip, skipWord := byte(0), uint64(0)
	if bit == 0 {
		skip, skipWord = 0xff, math.MaxUint64
	}
	i := 0
	for i+8 <= len(p) && binary.LittleEndian.Uint64(p[i:]) == skipWord {
		i += 8
	}
	for i < len(p) && p[i] == skip {
		i++
	}
	if i == len(p) {
		if bit == 1 {
			return -1
		}
		return int64(len(p)) * 8
	}
	b := p[i]
	if bit == 0 {
		b = ^b
	}
	return int64(i)*8 + int64(bits.LeadingZeros8(b))
}

func cmdBitPos(c *client, argv [][]byte, w resp.ReplyWriter) error {
	bit, ok := resp.ParseInt(argv[2])
	if !ok {
		return resp.ErrNotInt
	}
	if bit != 0 && bit != 1 {
		return errBitArg
	}
	var start, end int64
	var firstMask, lastMask byte
	var o *object
	endGiven := false
	switch len(argv) {
	case 4, 5, 6:
		if start, ok = resp.ParseInt(argv[3]); !ok {
			return resp.ErrNotInt
		}
		isBit := false
		if len(argv) == 6 {
			var err error
			if isBit, err = bitUnit(argv[5]); err != nil {
				return err
			}
		}
		if len(argv) >= 5 {
			if end, ok = resp.ParseInt(argv[4]); !ok {
				return resp.ErrNotInt
			}
			endGiven = true
		}
		var err error
		if o, err = c.bitReadString(argv[1]); err != nil {
			return err
		}
		var n int64
		if o != nil {
			n = int64(len(o.str))
		}
		if !endGiven {
			if isBit {
				end = n<<3 + 7
			} else {
				end = n - 1
			}
		}
		start, end, firstMask, lastMask = bitRange(start, end, n, isBit)
	case 3:
		var err error
		if o, err = c.bitReadString(argv[1]); err != nil {
			return err
		}
		if o != nil {
			end = int64(len(o.str)) - 1
		}
	default:
		return resp.ErrSyntax
	}
	// A missing key is an endless run of zeros.
	if o == nil {
		if bit == 1 {
			w.WriteInt(-1)
		} else {
			w.WriteInt(0)
		}
		return nil
	}
	if start > end {
		w.WriteInt(-1)
		return nil
	}
	w.WriteInt(bitPosInRange(o.str, bit, start, end, firstMask, lastMask, endGiven))
	return nil
}

// bitPosInRange finds the first bit equal to bit in bytes start..end of p,
// ignoring the bits the masks select in the first and last byte. Without
// endGiven, looking for a 0 past a range of ones finds the first bit after
// it (the string is zero-padded); with it, -1.
func bitPosInRange(p []byte, bit, start, end int64, firstMask, lastMask byte, endGiven bool) int64 {
	// masked is byte b with the masked bits set to what is not sought.
	masked := func(b, mask byte) byte {
		if bit == 1 {
			return b &^ mask
		}
		return b | mask
	}
	bytes := end - start + 1
	var pos int64
	found := func() int64 {
		if endGiven && bit == 0 && pos == bytes<<3 {
			return -1
		}
		if pos != -1 {
			pos += start << 3
		}
		return pos
	}
	if firstMask != 0 {
		b := masked(p[start], firstMask)
		if lastMask != 0 && bytes == 1 {
			b = masked(b, lastMask)
		}
		pos = bitFirst([]byte{b}, bit)
		if bytes == 1 || (pos != -1 && pos != 8) {
			return found()
		}
		start++
		bytes--
	}
	cur := bytes
	if lastMask != 0 {
		cur--
	}
	if cur > 0 {
		pos = bitFirst(p[start:start+cur], bit)
		if bytes == cur || (pos != -1 && pos != cur<<3) {
			return found()
		}
		start += cur
		bytes -= cur
	}
	pos = bitFirst([]byte{masked(p[end], lastMask)}, bit)
	return found()
}

// ---------------------------------------------------------------------------
// BITOP

// The BITOP operations.
const (
	bitopAnd = iota
	bitopOr
	bitopXor
	bitopNot
)

func cmdBitOp(c *client, argv [][]byte, w resp.ReplyWriter) error {
	var op int
	switch name := argv[1]; {
	case optIs(name, "and"):
		op = bitopAnd
	case optIs(name, "or"):
		op = bitopOr
	case optIs(name, "xor"):
		op = bitopXor
	case optIs(name, "not"):
		op = bitopNot
	default:
		return resp.ErrSyntax
	}
	if op == bitopNot && len(argv) != 4 {
		return errBitOpNot
	}
	srcs := make([][]byte, len(argv)-3)
	maxLen := 0
	for j, k := range argv[3:] {
		o, err := c.bitReadString(k)
		if err != nil {
			return err
		}
		if o != nil {
			srcs[j] = o.str
			maxLen = max(maxLen, len(o.str))
		}
	}
	dst := argv[2]
	if maxLen == 0 {
		if c.db.remove(dst) {
			c.e.dirty++
		}
		w.WriteInt(0)
		return nil
	}
	res := make([]byte, maxLen)
	bitopApply(op, res, srcs)
	c.writeKey(c.db, dst) // expire the old value first, as Redis does
	c.db.setOverwrite(dst, &object{kind: kindString, str: res, raw: true, lru: c.e.lruClock()})
	c.e.dirty++
	w.WriteInt(int64(maxLen))
	return nil
}

// bitopApply computes op over srcs into res, which is as long as the longest
// source; shorter sources count as zero-padded.
func bitopApply(op int, res []byte, srcs [][]byte) {
	copy(res, srcs[0]) // the rest of res is zero
	if op == bitopNot {
		for i := range res {
			res[i] = ^res[i]
		}
		return
	}
	for _, s := range srcs[1:] {
		i := 0
		// Whole words first.
		for ; i+8 <= len(s); i += 8 {
			a, b := binary.LittleEndian.Uint64(res[i:]), binary.LittleEndian.Uint64(s[i:])
			switch op {
			case bitopAnd:
				a &= b
			case bitopOr:
				a |= b
			default:
				a ^= b
			}
			binary.LittleEndian.PutUint64(res[i:], a)
		}
		for ; i < len(s); i++ {
			switch op {
			case bitopAnd:
				res[i] &= s[i]
			case bitopOr:
				res[i] |= s[i]
			default:
				res[i] ^= s[i]
			}
		}
		if op == bitopAnd {
			clear(res[len(s):]) // AND with the zero padding
		}
	}
}

// ---------------------------------------------------------------------------
// BITFIELD BITFIELD_RO

// The BITFIELD overflow behaviours.
const (
	bfWrap = iota
	bfSat
	bfFail
)

// The BITFIELD operations.
const (
	bfGet = iota
	bfSet
	bfIncrBy
)

type bitfieldOp struct {
	offset   uint64
	value    int64 // SET's value or INCRBY's increment
	op       int
	overflow int
	bits     uint
	signed   bool
}

func cmdBitField(c *client, argv [][]byte, w resp.ReplyWriter) error {
	return c.bitfield(argv, false, w)
}

func cmdBitFieldRO(c *client, argv [][]byte, w resp.ReplyWriter) error {
	return c.bitfield(argv, true, w)
}

// bitfieldType reads a type such as i16 or u8: i1 to i64, u1 to u63.
func bitfieldType(arg []byte) (signed bool, width uint, err error) {
	arg = bitfieldCString(arg)
	if len(arg) == 0 || (arg[0] != 'i' && arg[0] != 'u') {
		return false, 0, errBitfieldType
	}
	signed = arg[0] == 'i'
	n, ok := resp.ParseInt(arg[1:])
	if !ok || n < 1 || (signed && n > 64) || (!signed && n > 63) {
		return false, 0, errBitfieldType
	}
	return signed, uint(n), nil
}

// bitfieldCString cuts b at its first NUL byte, as C string functions read it.
func bitfieldCString(b []byte) []byte {
	for i, ch := range b {
		if ch == 0 {
			return b[:i]
		}
	}
	return b
}

// bitfield parses every operation first, then looks the key up (for
// writing when any operation writes) and runs them in order.
func (c *client) bitfield(argv [][]byte, readOnlyCmd bool, w resp.ReplyWriter) error {
	var ops []bitfieldOp
	overflow := bfWrap
	readOnly := true
	var highest uint64
	for j := 2; j < len(argv); j++ {
		left := len(argv) - j - 1
		var op int
		switch sub := argv[j]; {
		case optIs(sub, "get") && left >= 2:
			op = bfGet
		case optIs(sub, "set") && left >= 3:
			op = bfSet
		case optIs(sub, "incrby") && left >= 3:
			op = bfIncrBy
		case optIs(sub, "overflow") && left >= 1:
			j++
			switch kind := argv[j]; {
			case optIs(kind, "wrap"):
				overflow = bfWrap
			case optIs(kind, "sat"):
				overflow = bfSat
			case optIs(kind, "fail"):
				overflow = bfFail
			default:
				return errBitfieldOverflw
			}
			continue
		default:
			return resp.ErrSyntax
		}
		signed, width, err := bitfieldType(argv[j+1])
		if err != nil {
			return err
		}
		offset, err := c.bitOffsetArg(argv[j+2], int(width))
		if err != nil {
			return err
		}
		var value int64
		if op != bfGet {
			readOnly = false
			highest = max(highest, offset+uint64(width)-1)
			var ok bool
			if value, ok = resp.ParseInt(argv[j+3]); !ok {
				return resp.ErrNotInt
			}
			j++
		}
		ops = append(ops, bitfieldOp{offset: offset, value: value, op: op, overflow: overflow, bits: width, signed: signed})
		j += 2
	}

	key := argv[1]
	var o *object
	grew := false
	if readOnly {
		var err error
		if o, err = c.bitReadString(key); err != nil {
			return err
		}
	} else {
		if readOnlyCmd {
			return errBitfieldRO
		}
		var err error
		if o, grew, err = c.bitWriteString(key, highest); err != nil {
			return err
		}
	}

	w.WriteArray(len(ops))
	changes := int64(0)
	for _, op := range ops {
		if op.op == bfGet {
			// Read through a zero-padded copy of the bytes involved.
			var buf [9]byte
			if o != nil {
				if i := op.offset >> 3; i < uint64(len(o.str)) {
					copy(buf[:], o.str[i:])
				}
			}
			off := op.offset & 7
			if op.signed {
				w.WriteInt(getSignedBitfield(buf[:], off, op.bits))
			} else {
				w.WriteInt(int64(getUnsignedBitfield(buf[:], off, op.bits)))
			}
			continue
		}
		var oldBits, newBits uint64
		var reply int64
		var over bool
		if op.signed {
			old := getSignedBitfield(o.str, op.offset, op.bits)
			var nv int64
			if op.op == bfIncrBy {
				wrapped, ovf := signedBitfieldOverflow(old, op.value, op.bits, op.overflow)
				nv = old + op.value
				if ovf != 0 {
					nv = wrapped
				}
				reply, over = nv, ovf != 0
			} else {
				nv = op.value
				wrapped, ovf := signedBitfieldOverflow(nv, 0, op.bits, op.overflow)
				if ovf != 0 {
					nv = wrapped
				}
				reply, over = old, ovf != 0
			}
			oldBits, newBits = uint64(old), uint64(nv)
		} else {
			old := getUnsignedBitfield(o.str, op.offset, op.bits)
			var nv uint64
			if op.op == bfIncrBy {
				nv = old + uint64(op.value)
				wrapped, ovf := unsignedBitfieldOverflow(old, op.value, op.bits, op.overflow)
				if ovf != 0 {
					nv = wrapped
				}
				reply, over = int64(nv), ovf != 0
			} else {
				nv = uint64(op.value)
				wrapped, ovf := unsignedBitfieldOverflow(nv, 0, op.bits, op.overflow)
				if ovf != 0 {
					nv = wrapped
				}
				reply, over = int64(old), ovf != 0
			}
			oldBits, newBits = old, nv
		}
		if over && op.overflow == bfFail {
			w.WriteNull()
			continue
		}
		w.WriteInt(reply)
		setUnsignedBitfield(o.str, op.offset, op.bits, newBits)
		if grew || oldBits != newBits {
			changes++
		}
	}
	if changes > 0 {
		c.db.modified(key)
		c.e.dirty += changes
	}
	return nil
}

// getUnsignedBitfield reads the width-bit unsigned integer at bit offset
// of p, most significant bit first.
func getUnsignedBitfield(p []byte, offset uint64, width uint) uint64 {
	var v uint64
	for j := uint(0); j < width; j++ {
		bit := (p[offset>>3] >> (7 - offset&7)) & 1
		v = v<<1 | uint64(bit)
		offset++
	}
	return v
}

// getSignedBitfield reads a two's complement width-bit integer.
func getSignedBitfield(p []byte, offset uint64, width uint) int64 {
	v := getUnsignedBitfield(p, offset, width)
	if width < 64 && v&(1<<(width-1)) != 0 {
		v |= math.MaxUint64 << width
	}
	return int64(v)
}

// setUnsignedBitfield writes the low width bits of v at bit offset of p.
func setUnsignedBitfield(p []byte, offset uint64, width uint, v uint64) {
	for j := uint(0); j < width; j++ {
		mask := byte(0x80) >> (offset & 7)
		if v&(1<<(width-1-j)) != 0 {
			p[offset>>3] |= mask
		} else {
			p[offset>>3] &^= mask
		}
		offset++
	}
}

// unsignedBitfieldOverflow checks value+incr against a width-bit unsigned
// integer: 1 on overflow, -1 on underflow, 0 when it fits. On overflow it
// also returns the value to store: wrapped modulo 2^width (WRAP) or
// clamped (SAT).
func unsignedBitfieldOverflow(value uint64, incr int64, width uint, kind int) (uint64, int) {
	maxV := uint64(1)<<width - 1
	if width == 64 {
		maxV = math.MaxUint64
	}
	maxIncr := int64(maxV - value)
	minIncr := -int64(value)
	wrap := func() uint64 { return (value + uint64(incr)) &^ (math.MaxUint64 << width) }
	switch {
	case value > maxV || (incr > 0 && incr > maxIncr):
		if kind == bfWrap {
			return wrap(), 1
		}
		return maxV, 1
	case incr < 0 && incr < minIncr:
		if kind == bfWrap {
			return wrap(), -1
		}
		return 0, -1
	}
	return 0, 0
}

// signedBitfieldOverflow is unsignedBitfieldOverflow for a width-bit two's
// complement integer; WRAP wraps towards the most negative value.
func signedBitfieldOverflow(value, incr int64, width uint, kind int) (int64, int) {
	maxV := int64(1)<<(width-1) - 1
	if width == 64 {
		maxV = math.MaxInt64
	}
	minV := -maxV - 1
	// These may wrap; they are only used once value is known in range.
	maxIncr := int64(uint64(maxV) - uint64(value))
	minIncr := minV - value
	wrap := func() int64 {
		sum := uint64(value) + uint64(incr)
		if width < 64 {
			mask := uint64(math.MaxUint64) << width
			if sum&(1<<(width-1)) != 0 {
				sum |= mask
			} else {
				sum &^= mask
			}
		}
		return int64(sum)
	}
	switch {
	case value > maxV || (width != 64 && incr > maxIncr) || (value >= 0 && incr > 0 && incr > maxIncr):
		if kind == bfWrap {
			return wrap(), 1
		}
		return maxV, 1
	case value < minV || (width != 64 && incr < minIncr) || (value < 0 && incr < 0 && incr < minIncr):
		if kind == bfWrap {
			return wrap(), -1
		}
		return minV, -1
	}
	return 0, 0
}
