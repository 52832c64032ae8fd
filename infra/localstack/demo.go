package localstack

// DemoLease is a demo lease as the stack loaded it, for the start banner.
type DemoLease struct {
	Reference    string
	LastName     string
	FirstName    string
	DateOfBirth  string
	BalanceCents int64
}
