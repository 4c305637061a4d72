package e2e_test

import (
	"context"
	"errors"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// TestGoRedis drives rk with go-redis v9, the most used Go client, in
// RESP3 (its default: HELLO 3 on connect) and in RESP2.
func TestGoRedis(t *testing.T) {
	rk := startRK(t)
	for _, proto := range []int{3, 2} {
		t.Run("RESP"+strconv.Itoa(proto), func(t *testing.T) {
			ctx := context.Background()
			rdb := redis.NewClient(&redis.Options{Addr: rk.Addr, Protocol: proto, DB: proto})
			defer rdb.Close()

			if err := rdb.Ping(ctx).Err(); err != nil {
				t.Fatalf("PING: %v", err)
			}
			if err := rdb.Set(ctx, "k", "v", 0).Err(); err != nil {
				t.Fatalf("SET: %v", err)
			}
			if v, err := rdb.Get(ctx, "k").Result(); err != nil || v != "v" {
				t.Fatalf("GET = %q, %v", v, err)
			}
			if _, err := rdb.Get(ctx, "nope").Result(); !errors.Is(err, redis.Nil) {
				t.Fatalf("GET missing: %v, want redis.Nil", err)
			}
			if n, err := rdb.Incr(ctx, "n").Result(); err != nil || n != 1 {
				t.Fatalf("INCR = %d, %v", n, err)
			}
			if f, err := rdb.IncrByFloat(ctx, "f", 1.5).Result(); err != nil || f != 1.5 {
				t.Fatalf("INCRBYFLOAT = %v, %v", f, err)
			}
			if err := rdb.Set(ctx, "e", "v", time.Minute).Err(); err != nil {
				t.Fatal(err)
			}
			if d, err := rdb.TTL(ctx, "e").Result(); err != nil || d != time.Minute {
				t.Fatalf("TTL = %v, %v", d, err)
			}
			if ok, err := rdb.SetNX(ctx, "k", "w", 0).Result(); err != nil || ok {
				t.Fatalf("SETNX on an existing key = %v, %v", ok, err)
			}
			vals, err := rdb.MGet(ctx, "k", "nope", "n").Result()
			if err != nil || len(vals) != 3 || vals[0] != "v" || vals[1] != nil || vals[2] != "1" {
				t.Fatalf("MGET = %#v, %v", vals, err)
			}
			if err := rdb.Incr(ctx, "k").Err(); err == nil || err.Error() != "ERR value is not an integer or out of range" {
				t.Fatalf("INCR on a string: %v", err)
			}
			if cfg, err := rdb.ConfigGet(ctx, "maxmemory").Result(); err != nil || cfg["maxmemory"] != "0" {
				t.Fatalf("CONFIG GET = %v, %v", cfg, err)
			}
			hello, err := rdb.Do(ctx, "HELLO", strconv.Itoa(proto)).Result()
			if err != nil {
				t.Fatalf("HELLO: %v", err)
			}
			switch h := hello.(type) {
			case map[any]any: // RESP3 map
				if proto != 3 || h["proto"] != int64(3) || h["server"] != "redis" {
					t.Fatalf("HELLO 3 = %#v", h)
				}
			case []any: // RESP2 flat array
				if proto != 2 || len(h) != 14 || h[4] != "proto" || h[5] != int64(2) {
					t.Fatalf("HELLO 2 = %#v", h)
				}
			default:
				t.Fatalf("HELLO = %#v", hello)
			}

			// A pipeline: one round trip, replies in order.
			pipe := rdb.Pipeline()
			var incrs []*redis.IntCmd
			for i := 0; i < 100; i++ {
				incrs = append(incrs, pipe.Incr(ctx, "p"))
			}
			get := pipe.Get(ctx, "p")
			if _, err := pipe.Exec(ctx); err != nil {
				t.Fatalf("pipeline: %v", err)
			}
			for i, c := range incrs {
				if c.Val() != int64(i+1) {
					t.Fatalf("pipelined INCR %d = %d", i, c.Val())
				}
			}
			if get.Val() != "100" {
				t.Fatalf("pipelined GET = %q", get.Val())
			}

			// MULTI/EXEC.
			cmds, err := rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
				p.Set(ctx, "tx", "1", 0)
				p.Incr(ctx, "tx")
				return nil
			})
			if err != nil || len(cmds) != 2 || cmds[1].(*redis.IntCmd).Val() != 2 {
				t.Fatalf("TxPipelined: %v, %v", cmds, err)
			}

			// WATCH: a change by another client fails the transaction.
			err = rdb.Watch(ctx, func(tx *redis.Tx) error {
				if err := rdb.Set(ctx, "watched", "changed", 0).Err(); err != nil {
					return err
				}
				_, err := tx.TxPipelined(ctx, func(p redis.Pipeliner) error {
					p.Set(ctx, "watched", "mine", 0)
					return nil
				})
				return err
			}, "watched")
			if !errors.Is(err, redis.TxFailedErr) {
				t.Fatalf("WATCH with a concurrent change: %v, want TxFailedErr", err)
			}
			if v := rdb.Get(ctx, "watched").Val(); v != "changed" {
				t.Fatalf("watched = %q", v)
			}

			// Many goroutines over the connection pool.
			var wg sync.WaitGroup
			for g := 0; g < 20; g++ {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for i := 0; i < 50; i++ {
						if err := rdb.Incr(ctx, "concurrent").Err(); err != nil {
							t.Error(err)
							return
						}
					}
				}()
			}
			wg.Wait()
			if v := rdb.Get(ctx, "concurrent").Val(); v != "1000" {
				t.Fatalf("concurrent INCRs = %q, want 1000", v)
			}
			if n := rdb.DBSize(ctx).Val(); n != 8 {
				t.Errorf("DBSIZE = %d, want 8", n)
			}
		})
	}
}
