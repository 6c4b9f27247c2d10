package regions_test

import (
	"errors"
	"fmt"

	"github.com/idsdk/idsdk-go/regions"
)

// Servers are looked up by API and name, e.g. from configuration.
func ExampleLookup() {
	s, err := regions.Lookup("authlete", "jp")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(s.URL)
	_, err = regions.Lookup("authlete", "mars")
	fmt.Println(err != nil)
	// Output:
	// https://jp.authlete.com
	// true
}

// Base URLs are normalized and checked: https unless the host is a
// loopback address.
func ExampleValidateBaseURL() {
	u, err := regions.ValidateBaseURL("https://api.example.com/")
	fmt.Println(u, err)
	_, err = regions.ValidateBaseURL("http://api.example.com")
	fmt.Println(errors.Is(err, regions.ErrInvalidBaseURL))
	u, err = regions.ValidateBaseURL("http://127.0.0.1:8080")
	fmt.Println(u, err)
	// Output:
	// https://api.example.com <nil>
	// true
	// http://127.0.0.1:8080 <nil>
}

// An Authlete base URL must not end in /api: the client adds the paths.
func ExampleValidateAuthleteBaseURL() {
	_, err := regions.ValidateAuthleteBaseURL("https://us.authlete.com/api")
	fmt.Println(errors.Is(err, regions.ErrInvalidBaseURL))
	// Output: true
}
