// Package pb holds the generated code of rk's plugin protocol
// (rkplugin.proto). The generated files are committed, so building rk needs
// no protoc; run go generate in this directory after editing the .proto,
// with protoc, protoc-gen-go v1.36.6 and protoc-gen-go-grpc v1.3.0 on PATH.
package pb

//go:generate protoc --go_out=. --go_opt=paths=source_relative --go-grpc_out=. --go-grpc_opt=paths=source_relative,require_unimplemented_servers=false rkplugin.proto
