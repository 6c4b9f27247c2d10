// Package bench measures idsdk-go beside other SDKs for the same APIs, in
// one run. It is a module of its own, so the SDK's go.mod never lists the
// SDKs it is compared with.
//
//	cd bench && go test -run '^$' -bench . -benchmem -count 6 -timeout 20m
package bench
