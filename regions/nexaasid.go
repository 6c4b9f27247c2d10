package regions

// Nexaas ID environments.
var (
	// NexaasProduction is Nexaas ID's production environment (the default).
	NexaasProduction = Server{API: "nexaasid", Name: "production", URL: "https://id.nexaas.com"}
	// NexaasSandbox is Nexaas ID's sandbox environment.
	NexaasSandbox = Server{API: "nexaasid", Name: "sandbox", URL: "https://sandbox.id.nexaas.com"}
)

// Nexaas lists the Nexaas ID environments.
func Nexaas() []Server { return []Server{NexaasProduction, NexaasSandbox} }
