package localstack

// DemoLease is a demo lease as the stack loaded it, for the start banner:
// its main signatory in Stack.Demo, a co-signatory (who may sign up for
// their own account too) in Stack.DemoCoSignatories.
type DemoLease struct {
	Reference    string
	LastName     string
	FirstName    string
	DateOfBirth  string
	BalanceCents int64
}
