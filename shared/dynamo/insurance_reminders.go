package dynamo

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/citejardins/extranet/shared/insurancerun"
	"github.com/citejardins/extranet/shared/tenancy"
)

// The daily insurance reminders (insurancerun): the leases due, read shard
// by shard from the sparse index byReminder, and the claim of each mail.

var (
	_ insurancerun.Store      = (*Store)(nil)
	_ insurancerun.Recipients = (*Store)(nil)
)

// DueInsurance calls fn with the reference of each lease of the shard whose
// next reminder is due on or before today: a Query of byReminder
// (`remindShard = :s AND remindOn <= :today`), page after page. The index
// is eventually consistent: a lease it still lists after its reminder
// moved is read (strongly) and found not due.
func (s *Store) DueInsurance(ctx context.Context, shard int, today tenancy.Date, fn func(ref string) error) error {
	if shard < 0 || shard >= Shards {
		return ErrBadShard
	}
	p := dynamodb.NewQueryPaginator(s.db, &dynamodb.QueryInput{
		TableName:              &s.tenancy,
		IndexName:              aws.String(ByReminder),
		KeyConditionExpression: aws.String("remindShard = :s AND remindOn <= :today"),
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":s": str(shardKey(shard)), ":today": str(today.String()),
		},
	})
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		if err != nil {
			return fmt.Errorf("query byReminder: %w", err)
		}
		for _, it := range out.Items {
			pk, _ := it["PK"].(*types.AttributeValueMemberS)
			if pk == nil || len(pk.Value) <= len("LEASE#") {
				continue
			}
			if err := fn(pk.Value[len("LEASE#"):]); err != nil {
				return err
			}
		}
	}
	return nil
}

// InsuranceOf reads a lease's insurance state and certificates (one Query).
func (s *Store) InsuranceOf(ctx context.Context, ref string) (insurancerun.Lease, error) {
	li, err := s.readInsurance(ctx, ref)
	if err != nil {
		return insurancerun.Lease{}, err
	}
	return li.lease(), nil
}

// ClaimInsuranceMail records key and passed in the state's reminded, and
// the next reminder after them, with a condition on the state read: of
// runs claiming the same key at once, one wins; the others read again and
// find it taken (false). False too when key is no longer the mail due on
// the state read afresh (insurancerun.Lease.DueKey).
func (s *Store) ClaimInsuranceMail(ctx context.Context, ref, key string, passed []string, today tenancy.Date) (bool, error) {
	taken := false
	ok, err := s.changeState(ctx, ref, today, func(li leaseInsurance, f *stateFields) (bool, error) {
		for _, k := range f.Reminded {
			if k == key {
				taken = true
				return false, nil
			}
		}
		if li.raw == nil {
			return false, nil // no state: nothing to mail
		}
		// The mail must still be the one due on the state as read now (a
		// certificate confirmed, or a decision imported, since the run's
		// read makes it another or none): else no claim, and the run looks
		// again.
		if due, _, ok := li.lease().DueKey(today); !ok || due != key {
			taken = true
			return false, nil
		}
		for _, k := range passed {
			if !contains(f.Reminded, k) {
				f.Reminded = append(f.Reminded, k)
			}
		}
		f.Reminded = append(f.Reminded, key)
		return true, nil
	})
	if err != nil || taken {
		return false, err
	}
	return ok, nil
}

// ReleaseInsuranceMail takes key out of reminded again.
func (s *Store) ReleaseInsuranceMail(ctx context.Context, ref, key string, today tenancy.Date) error {
	_, err := s.changeState(ctx, ref, today, func(_ leaseInsurance, f *stateFields) (bool, error) {
		kept := f.Reminded[:0]
		for _, k := range f.Reminded {
			if k != key {
				kept = append(kept, k)
			}
		}
		if len(kept) == len(f.Reminded) {
			return false, nil
		}
		f.Reminded = kept
		return true, nil
	})
	return err
}

// SettleInsurance works the next reminder out again and writes it if it
// moved.
func (s *Store) SettleInsurance(ctx context.Context, ref string, today tenancy.Date) error {
	_, err := s.changeState(ctx, ref, today, func(li leaseInsurance, _ *stateFields) (bool, error) {
		return li.raw != nil, nil
	})
	return err
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

// InsuranceRecipient is where the insurance mails of a lease go: the
// notice address (notification address, else login address) of every
// active account of the lease, once each; none without an active account.
// It reads only the attributes it needs (recipientAccounts; the function's
// IAM policy allows no other).
func (s *Store) InsuranceRecipients(ctx context.Context, ref string) ([]string, error) {
	accs, err := s.recipientAccounts(ctx, ref)
	if err != nil {
		return nil, err
	}
	out := make([]string, len(accs))
	for i, a := range accs {
		out[i] = a.NoticeEmail()
	}
	return out, nil
}
