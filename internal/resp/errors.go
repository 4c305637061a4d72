package resp

import (
	"strconv"
	"strings"
)

// Error is a Redis error reply: the line after the '-', code included
// ("ERR syntax error", "WRONGTYPE Operation against ..."). Its text is
// sent to clients as is, so it must match Redis byte for byte.
type Error string

func (e Error) Error() string { return string(e) }

// Prefix returns the error code: the text up to the first space ("ERR",
// "WRONGTYPE"). Redis's errorstats count errors by it.
func (e Error) Prefix() string {
	s := string(e)
	if i := strings.IndexByte(s, ' '); i >= 0 {
		s = s[:i]
	}
	if len(s) > 32 {
		s = s[:32]
	}
	return s
}

// The error catalogue. Every text is Redis 7.4's.
var (
	ErrSyntax          error = Error("ERR syntax error")
	ErrWrongType       error = Error("WRONGTYPE Operation against a key holding the wrong kind of value")
	ErrNotInt          error = Error("ERR value is not an integer or out of range")
	ErrNotFloat        error = Error("ERR value is not a valid float")
	ErrOutOfRange      error = Error("ERR value is out of range")
	ErrOutOfRangePos   error = Error("ERR value is out of range, must be positive")
	ErrNoSuchKey       error = Error("ERR no such key")
	ErrIndexOutOfRange error = Error("ERR index out of range")
	ErrSameObject      error = Error("ERR source and destination objects are the same")
	ErrDBIndex         error = Error("ERR DB index is out of range")
	ErrIncrOverflow    error = Error("ERR increment or decrement would overflow")
	ErrIncrNaNInf      error = Error("ERR increment would produce NaN or Infinity")
	ErrStringTooLong   error = Error("ERR string exceeds maximum allowed size (proto-max-bulk-len)")
	ErrOffsetRange     error = Error("ERR offset is out of range")
	ErrBusyKey         error = Error("BUSYKEY Target key name already exists.")
	ErrNoAuth          error = Error("NOAUTH Authentication required.")
	ErrWrongPass       error = Error("WRONGPASS invalid username-password pair or user is disabled.")
	ErrNoProto         error = Error("NOPROTO unsupported protocol version")
	ErrOOM             error = Error("OOM command not allowed when used memory > 'maxmemory'.")
	ErrNotAllowedMulti error = Error("ERR Command not allowed inside a transaction")
	ErrMultiNested     error = Error("ERR MULTI calls can not be nested")
	ErrExecNoMulti     error = Error("ERR EXEC without MULTI")
	ErrDiscardNoMulti  error = Error("ERR DISCARD without MULTI")
	ErrWatchInMulti    error = Error("ERR WATCH inside MULTI is not allowed")
	ErrExecAbort       error = Error("EXECABORT Transaction discarded because of previous errors.")
	ErrNoScript        error = Error("NOSCRIPT No matching script. Please use EVAL.")
	ErrNotBusy         error = Error("NOTBUSY No scripts in execution right now.")
	ErrBusyScript      error = Error("BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.")
	ErrBusyFunction    error = Error("BUSY Redis is busy running a script. You can only call FUNCTION KILL or SHUTDOWN NOSAVE.")
	ErrTimeoutNotInt   error = Error("ERR timeout is not an integer or out of range")
	ErrTimeoutNotFloat error = Error("ERR timeout is not a float or out of range")
	ErrTimeoutNegative error = Error("ERR timeout is negative")
	ErrTimeoutRange    error = Error("ERR timeout is out of range")
)

// Protocol errors. The connection is closed after replying with one.
var (
	ErrProtoInvalidMultibulk = Error("ERR Protocol error: invalid multibulk length")
	ErrProtoInvalidBulk      = Error("ERR Protocol error: invalid bulk length")
	ErrProtoInlineTooBig     = Error("ERR Protocol error: too big inline request")
	ErrProtoUnbalanced       = Error("ERR Protocol error: unbalanced quotes in request")
	ErrProtoMbulkTooBig      = Error("ERR Protocol error: too big mbulk count string")
	ErrProtoBulkTooBig       = Error("ERR Protocol error: too big bulk count string")
	ErrProtoUnauthMultibulk  = Error("ERR Protocol error: unauthenticated multibulk length")
	ErrProtoUnauthBulk       = Error("ERR Protocol error: unauthenticated bulk length")
)

// ErrProtoExpectedDollar is the protocol error for a multibulk element that
// does not start with '$'.
func ErrProtoExpectedDollar(got byte) Error {
	return Error("ERR Protocol error: expected '$', got '" + string([]byte{got}) + "'")
}

// ErrWrongArgs is the arity error; name is the command's lower-case full
// name ("get", "client|kill").
func ErrWrongArgs(name string) error {
	return Error("ERR wrong number of arguments for '" + name + "' command")
}

// ErrUnknownCommand is the reply to a command name the server does not know.
// The arguments are quoted and each is followed by a space; the list stops
// once it passes 128 bytes, as in Redis.
func ErrUnknownCommand(name []byte, args [][]byte) error {
	var list []byte
	for _, a := range args {
		if len(list) >= 128 {
			break
		}
		a = cstr(a)
		if room := 128 - len(list); len(a) > room {
			a = a[:room]
		}
		list = append(list, '\'')
		list = append(list, a...)
		list = append(list, '\'', ' ')
	}
	return Error(sanitizeLine("ERR unknown command '" + abbrev(name) + "', with args beginning with: " + string(list)))
}

// ErrUnknownSubcommand is the reply to an unknown subcommand of a
// container command; container is upper-cased as Redis prints it.
func ErrUnknownSubcommand(sub []byte, container string) error {
	return Error("ERR unknown subcommand '" + sanitizeLine(abbrev(sub)) + "'. Try " + strings.ToUpper(container) + " HELP.")
}

// ErrUnknownSubcommandOrArgs is the reply of container commands whose
// handler finds the wrong number of arguments for a subcommand.
func ErrUnknownSubcommandOrArgs(sub []byte, container string) error {
	return Error("ERR unknown subcommand or wrong number of arguments for '" + sanitizeLine(abbrev(sub)) + "'. Try " + strings.ToUpper(container) + " HELP.")
}

// ErrInvalidExpire is the reply to an expire time out of range.
func ErrInvalidExpire(cmd string) error {
	return Error("ERR invalid expire time in '" + cmd + "' command")
}

// ErrRangeBetween is "value is out of range, value must between min and max".
func ErrRangeBetween(min, max int64) error {
	return Error("ERR value is out of range, value must between " + strconv.FormatInt(min, 10) + " and " + strconv.FormatInt(max, 10))
}

// abbrev cuts an argument to 128 bytes, as Redis does when it echoes
// arguments back in errors.
func abbrev(b []byte) string {
	b = cstr(b)
	if len(b) > 128 {
		b = b[:128]
	}
	return string(b)
}

// sanitizeLine replaces CR and LF, which would break the reply line.
func sanitizeLine(s string) string {
	if strings.ContainsAny(s, "\r\n") {
		s = strings.Map(func(r rune) rune {
			if r == '\r' || r == '\n' {
				return ' '
			}
			return r
		}, s)
	}
	return s
}

// cstr cuts b at its first NUL byte: Redis formats these texts with C
// string functions.
func cstr(b []byte) []byte {
	for i, c := range b {
		if c == 0 {
			return b[:i]
		}
	}
	return b
}
