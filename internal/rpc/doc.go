// Package rpc is the Kitex glue shared by every tempomall service and
// client: the server and client option suites (transport, metadata,
// middleware), the bearer-token metadata helpers and the one table that maps
// failures to status codes.
//
// Servers speak Kitex protobuf over TTHeader to Kitex clients and gRPC to
// any gRPC client (grpcurl with the .proto files of idl/) on the same port.
package rpc
