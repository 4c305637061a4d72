// Package compat holds rk's differential tests: the same command scripts
// go to a real redis-server and to rk (the memory engine behind rk's own
// network server), over raw RESP, once as RESP2 clients and once as RESP3
// clients (HELLO 3 first), and the replies are compared byte for byte.
//
// # Scripts
//
// A script is a text file in testdata/ ending in .txt: one command per
// line, split with redis-cli's quoting rules ("a b", 'c', "\x00\r\n").
// Lines starting with # are comments. A command may start with directives:
//
//	@shape       compare only the reply's shape (kinds and lengths): for
//	             replies that differ by nature (TIME, INFO, client ids)
//	@sorted      sort arrays of scalars before comparing (KEYS, SCAN)
//	@near=N      integers may differ by up to N (PTTL, EXPIRETIME)
//	@kind        compare only the reply's type (and an error's code): for
//	             texts rk writes in its own words (HELP)
//	@v7.4        a known difference between Redis 7.0 and 7.4: compared
//	             (as the other directives say) only when the reference
//	             server is 7.4 or later; rk follows 7.4, and CI's Debian
//	             redis-server is 7.0, so there it only runs
//	             (RK_TEST_REDIS_SERVER=<a 7.4 redis-server> compares all)
//	@ignore      run the command on both, compare nothing
//	@conn=NAME   send on connection NAME (opened on first use; the default
//	             connection is "a")
//	@resp2, @resp3  run only in that protocol pass
//
// and a few lines are instructions rather than commands:
//
//	!config NAME VALUE   start both servers with this parameter (before
//	                     the first command)
//	!sleep DURATION      wait (for expiry), e.g. !sleep 150ms
//	!raw "bytes" ...     send the bytes (quoted, concatenated) on the
//	                     current connection, then read replies until the
//	                     server closes it: for protocol errors; the
//	                     replies, and that both closed, are compared
//	!send N "bytes" ...  send the bytes and compare the next N replies
//	                     (inline commands, pipelines)
//	!repeat N "bytes"    send the bytes N times without reading anything
//	                     (for requests too big for one line)
//	!close               close the current connection on both sides
//
// After QUIT both servers must close the connection; the next command on
// it opens a new one.
//
// # Running
//
// The tests need redis-server (Debian's package, or RK_TEST_REDIS_SERVER).
// Without it they skip, and fail when RK_TEST_DISALLOW_SKIP is set, as in
// CI.
package compat
