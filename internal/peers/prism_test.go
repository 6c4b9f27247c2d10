package peers

import "testing"

func TestRequestViolations(t *testing.T) {
	for h, want := range map[string]bool{
		`[{"location":["request","body","name"],"severity":"Error","code":"required"}]`:                     true,
		`[{"location":["response","body","url"],"severity":"Error","code":"format"}]`:                       false,
		`[{"location":["response","body"]},{"location":["request","query","page"]}]`:                        true,
		`[{"location":["request"],"severity":"Error","code":401,"message":"Invalid security scheme used"}]`: true,
		`not json`: true,
		`Too many violations! [{"location":["response","body","a"]},{"location":["response","bo`: false,
		`Too many violations! [{"location":["response","body","a"]},{"location":["request","bo`:  true,
	} {
		if got := requestViolations(h); got != want {
			t.Errorf("requestViolations(%s) = %v, want %v", h, got, want)
		}
	}
}
