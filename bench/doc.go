// Package bench measures idsdk-go beside other SDKs for the same APIs, in
// one run. It is a module of its own, so the SDK's go.mod never lists the
// SDKs it is compared with.
//
//	cd bench && go test -run '^$' -bench . -benchmem -count 6 -timeout 20m
//
// The build budget (cold and warm builds of a program listing Auth0 users,
// beside go-auth0 v2 and v1) is measured by bench/build:
//
//	bench/build/run.sh
package bench
