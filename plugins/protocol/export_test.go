package protocol

import (
	"context"

	"github.com/rk-redis/rk/plugins/protocol/pb"
)

// PluginTLSForTest exposes the plugin side of the TLS setup to tests.
var PluginTLSForTest = pluginTLS

// UsesChannelForTest reports whether a host session runs its batches over
// the data channel.
func UsesChannelForTest(s Session) bool {
	cs := s.(*cliSession)
	cs.smu.Lock()
	defer cs.smu.Unlock()
	return cs.data != nil
}

// ChannelForTest returns where the plugin's data channel is (nil: none).
func ChannelForTest(c *Client) *pb.ChannelResponse { return c.dataChannel(context.Background()) }

// HelloForTest dials a data channel with the given hello fields and
// returns the plugin's answer: nil if it accepted the connection.
func HelloForTest(ctx context.Context, r *pb.ChannelResponse, session uint64) error {
	d, err := dialChannel(ctx, r, session)
	if err == nil {
		d.close()
	}
	return err
}

var (
	AppendMessageForTest = appendMessage
	ReadMessageForTest   = readMessage
)

// SessionIDForTest returns a host session's id.
func SessionIDForTest(s Session) uint64 { return s.(*cliSession).id }
