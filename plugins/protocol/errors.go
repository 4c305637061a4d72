package protocol

import (
	"errors"
	"fmt"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/rk-redis/rk/plugins/protocol/pb"
)

// Code classifies a driver failure.
type Code int

// The driver failure codes. Their numbers are those of pb.DriverError_Code.
const (
	CodeUnknown     Code = Code(pb.DriverError_UNKNOWN)
	CodeUnavailable Code = Code(pb.DriverError_UNAVAILABLE) // server unreachable, connection lost
	CodeInvalid     Code = Code(pb.DriverError_INVALID)     // bad URL or option
	CodeAuth        Code = Code(pb.DriverError_AUTH)        // authentication or handshake failed
	CodeClosed      Code = Code(pb.DriverError_CLOSED)      // session or backend closed
	CodeTimeout     Code = Code(pb.DriverError_TIMEOUT)     // did not finish in time
	CodeUnsupported Code = Code(pb.DriverError_UNSUPPORTED) // not supported by the driver
)

func (c Code) String() string {
	if s, ok := pb.DriverError_Code_name[int32(c)]; ok {
		return s
	}
	return fmt.Sprintf("Code(%d)", int(c))
}

// Error is a failure a driver reports on purpose. Its Message is shown to
// the user as is, so it should say what went wrong and, where it can, what
// to do ("Could not connect to Redis at 127.0.0.1:6379: Connection refused").
type Error struct {
	Code    Code
	Message string
}

func (e *Error) Error() string { return e.Message }

// Errorf returns an *Error with a formatted message.
func Errorf(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// IsCode reports whether err is an *Error with code c.
func IsCode(err error, c Code) bool {
	var e *Error
	return errors.As(err, &e) && e.Code == c
}

// grpcCode maps driver codes onto gRPC status codes, for tools that only
// look at those.
func (c Code) grpcCode() codes.Code {
	switch c {
	case CodeUnavailable:
		return codes.FailedPrecondition
	case CodeInvalid:
		return codes.InvalidArgument
	case CodeAuth:
		return codes.PermissionDenied
	case CodeClosed:
		return codes.NotFound
	case CodeTimeout:
		return codes.DeadlineExceeded
	case CodeUnsupported:
		return codes.Unimplemented
	}
	return codes.Unknown
}

// ErrToStatus turns an error returned by a Driver into the gRPC error the
// plugin sends: an *Error travels as a pb.DriverError detail, anything else
// as CodeUnknown with its text.
func ErrToStatus(err error) error {
	if err == nil {
		return nil
	}
	var e *Error
	if !errors.As(err, &e) {
		e = &Error{Code: CodeUnknown, Message: err.Error()}
	}
	st := status.New(e.Code.grpcCode(), e.Message)
	if withDetail, derr := st.WithDetails(&pb.DriverError{Code: pb.DriverError_Code(e.Code), Message: e.Message}); derr == nil {
		st = withDetail
	}
	return st.Err()
}

// toDriverError returns the pb form of an error from a gRPC call made on
// the plugin side (a status from ErrToStatus, or any error).
func toDriverError(err error) *pb.DriverError {
	if st, ok := status.FromError(err); ok {
		for _, d := range st.Details() {
			if de, ok := d.(*pb.DriverError); ok {
				return de
			}
		}
		return &pb.DriverError{Code: pb.DriverError_UNKNOWN, Message: st.Message()}
	}
	var e *Error
	if errors.As(err, &e) {
		return &pb.DriverError{Code: pb.DriverError_Code(e.Code), Message: e.Message}
	}
	return &pb.DriverError{Code: pb.DriverError_UNKNOWN, Message: err.Error()}
}

// StatusToErr turns an error returned by a gRPC call to a plugin back into
// the driver's *Error. Errors without a DriverError detail are transport or
// process failures: they are returned as a *TransportError.
func StatusToErr(err error) error {
	if err == nil {
		return nil
	}
	st, ok := status.FromError(err)
	if !ok {
		return &TransportError{Err: err}
	}
	for _, d := range st.Details() {
		if de, ok := d.(*pb.DriverError); ok {
			return &Error{Code: Code(de.Code), Message: de.Message}
		}
	}
	return &TransportError{Err: err, Code: st.Code()}
}

// TransportError is a failed call to a plugin that the driver did not
// report: the process died, hung or broke the protocol.
type TransportError struct {
	Err  error
	Code codes.Code
}

func (e *TransportError) Error() string { return e.Err.Error() }
func (e *TransportError) Unwrap() error { return e.Err }
