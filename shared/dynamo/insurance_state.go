package dynamo

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"sort"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/citejardins/extranet/shared/insurance"
	"github.com/citejardins/extranet/shared/insurancerun"
	"github.com/citejardins/extranet/shared/tenancy"
)

// A lease's insurance state (SK INSURANCE, DESIGN.md) as the landlord's side
// keeps it: the ERP's decisions, the ERP's "required" flag and the daily
// reminders each read the lease's INSURANCE items (the state and every
// certificate, one Query), work out the new state and write it back with a
// condition on what they read, trying again when another writer moved it in
// between. The state is written whole (PutItem), keeping the attributes this
// code does not know as they were read: minidyn ignores REMOVE beside SET,
// and the reminder's index keys must go when no reminder is to come.

const (
	insuranceSK      = "INSURANCE"
	insuranceCertPfx = "INSURANCE#"
	// ByReminder is the tenancy table's sparse index of the leases with an
	// insurance reminder to come (partition remindShard, sort remindOn).
	ByReminder = "byReminder"
	// stateTries bounds the read-compute-write rounds of one change.
	stateTries = 20
)

// errStateMoved: the state changed between the read and the write.
var errStateMoved = errors.New("insurance state moved")

// certificateItem is what the landlord's side reads of a certificate.
type certificateItem struct {
	SK           string
	ID           string `dynamodbav:"id"`
	Insurer      string `dynamodbav:"insurer"`
	PolicyNumber string `dynamodbav:"policyNumber"`
	Start        string `dynamodbav:"start"`
	End          string `dynamodbav:"end"`
	Status       string `dynamodbav:"status"`
	Reason       string `dynamodbav:"reason"`
	DecidedOn    string `dynamodbav:"decidedOn"`
	SubmittedAt  int64  `dynamodbav:"submittedAt"` // unix seconds, as the tenant's side writes it
}

func (c certificateItem) domain() insurance.Certificate {
	at := time.Unix(c.SubmittedAt, 0).UTC()
	return insurance.Certificate{ID: c.ID, Insurer: c.Insurer, PolicyNumber: c.PolicyNumber, Start: parseDate(c.Start),
		End: parseDate(c.End), Status: insurance.Status(c.Status), Reason: c.Reason, DecidedOn: parseDate(c.DecidedOn),
		SubmittedAt: at}
}

// stateFields are the state's attributes this code reads and writes.
type stateFields struct {
	Current     string   `dynamodbav:"current"`
	End         string   `dynamodbav:"end"`
	Required    bool     `dynamodbav:"required"`
	Reminded    []string `dynamodbav:"reminded"`
	Refusal     string   `dynamodbav:"refusal"` // insurance.RefusalKey of the refusal to mail
	RemindShard string   `dynamodbav:"remindShard"`
	RemindOn    string   `dynamodbav:"remindOn"`
}

// leaseInsurance is a lease's INSURANCE items as read.
type leaseInsurance struct {
	ref   string
	raw   map[string]types.AttributeValue // the state as stored; nil when absent
	state stateFields
	certs []certificateItem
}

func (li leaseInsurance) cert(id string) (certificateItem, bool) {
	for _, c := range li.certs {
		if c.ID == id {
			return c, true
		}
	}
	return certificateItem{}, false
}

// readInsurance reads the state and certificates of a lease: one Query
// `PK = LEASE#<ref> AND begins_with(SK, "INSURANCE")`, strongly consistent.
func (s *Store) readInsurance(ctx context.Context, ref string) (leaseInsurance, error) {
	li := leaseInsurance{ref: ref}
	p := dynamodb.NewQueryPaginator(s.db, &dynamodb.QueryInput{
		TableName:              &s.tenancy,
		KeyConditionExpression: aws.String("PK = :pk AND begins_with(SK, :sk)"),
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":pk": str(leasePK(ref)), ":sk": str(insuranceSK),
		},
		ConsistentRead: aws.Bool(true),
	})
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		if err != nil {
			return li, fmt.Errorf("query insurance: %w", err)
		}
		for _, it := range out.Items {
			sk, _ := it["SK"].(*types.AttributeValueMemberS)
			switch {
			case sk == nil:
			case sk.Value == insuranceSK:
				li.raw = it
				if err := attributevalue.UnmarshalMap(it, &li.state); err != nil {
					return li, fmt.Errorf("decode insurance state: %w", err)
				}
			case len(sk.Value) > len(insuranceCertPfx) && sk.Value[:len(insuranceCertPfx)] == insuranceCertPfx:
				var c certificateItem
				if err := attributevalue.UnmarshalMap(it, &c); err != nil {
					return li, fmt.Errorf("decode insurance certificate: %w", err)
				}
				if c.ID == "" {
					c.ID = sk.Value[len(insuranceCertPfx):]
				}
				li.certs = append(li.certs, c)
			}
		}
	}
	return li, nil
}

// lease is the state as the reminders see it.
func (li leaseInsurance) lease() insurancerun.Lease {
	l := insurancerun.Lease{Ref: li.ref, Refusal: li.state.Refusal,
		State: insurance.State{End: parseDate(li.state.End), Required: li.state.Required, Reminded: li.state.Reminded}}
	for _, c := range li.certs {
		l.Certificates = append(l.Certificates, c.domain())
	}
	return l
}

// settle works out the state from the certificates: current is the newest
// certificate not refused (by submission time, then id), end its cover's
// end, and remindShard/remindOn the next reminder not yet mailed
// (insurance.State.Next), or a refusal still to mail (due at once); both
// are empty when nothing is to come, which takes the lease out of
// byReminder.
func settle(ref string, f stateFields, certs []certificateItem, today tenancy.Date) stateFields {
	live := make([]certificateItem, 0, len(certs))
	for _, c := range certs {
		if insurance.Status(c.Status) != insurance.Refused {
			live = append(live, c)
		}
	}
	sort.Slice(live, func(i, j int) bool {
		if live[i].SubmittedAt != live[j].SubmittedAt {
			return live[i].SubmittedAt > live[j].SubmittedAt
		}
		return live[i].ID > live[j].ID
	})
	f.Current, f.End = "", ""
	if len(live) > 0 {
		f.Current, f.End = live[0].ID, live[0].End
	}
	st := insurance.State{End: parseDate(f.End), Required: f.Required, Reminded: f.Reminded}
	// A Missing reminder is due from the day the lease was found without a
	// certificate: an earlier due day already stored stays.
	since := today
	if on := parseDate(f.RemindOn); !on.IsZero() && on.Before(today) {
		since = on
	}
	_, due, ok := st.Next(since)
	if f.Refusal != "" && !st.Mailed(f.Refusal) && (!ok || today.Before(due)) {
		due, ok = today, true
	}
	f.RemindShard, f.RemindOn = "", ""
	if ok {
		f.RemindShard, f.RemindOn = shardKey(ShardOf(ref)), due.String()
	}
	return f
}

func (f stateFields) equal(g stateFields) bool {
	if f.Current != g.Current || f.End != g.End || f.Required != g.Required || f.Refusal != g.Refusal ||
		f.RemindShard != g.RemindShard || f.RemindOn != g.RemindOn || len(f.Reminded) != len(g.Reminded) {
		return false
	}
	for i := range f.Reminded {
		if f.Reminded[i] != g.Reminded[i] {
			return false
		}
	}
	return true
}

// statePut is the Put of the new state, conditioned on the state read
// being still the stored one (or absent, when none was read).
func statePut(table string, li leaseInsurance, f stateFields) *types.Put {
	item := make(map[string]types.AttributeValue, len(li.raw)+8)
	for k, v := range li.raw {
		item[k] = v
	}
	item["PK"], item["SK"] = str(leasePK(li.ref)), str(insuranceSK)
	set := func(name, v string) {
		if v == "" {
			delete(item, name)
		} else {
			item[name] = str(v)
		}
	}
	set("current", f.Current)
	set("end", f.End)
	set("refusal", f.Refusal)
	set("remindShard", f.RemindShard)
	set("remindOn", f.RemindOn)
	item["required"] = &types.AttributeValueMemberBOOL{Value: f.Required}
	// No reminder mailed yet: no attribute (minidyn mangles an empty list).
	delete(item, "reminded")
	if len(f.Reminded) > 0 {
		reminded := make([]types.AttributeValue, len(f.Reminded))
		for i, k := range f.Reminded {
			reminded[i] = str(k)
		}
		item["reminded"] = &types.AttributeValueMemberL{Value: reminded}
	}

	put := &types.Put{TableName: aws.String(table), Item: item}
	if li.raw == nil {
		put.ConditionExpression = aws.String("attribute_not_exists(PK)")
		return put
	}
	// Unchanged since read: each attribute this code derives from equal to
	// what was read, or still absent; reminded only grows, so its size says
	// whether a key came in.
	names, values := map[string]string{}, map[string]types.AttributeValue{}
	cond := "attribute_exists(PK)"
	for i, a := range []string{"current", "end", "required", "refusal", "remindOn", "reminded"} {
		n := "#a" + strconv.Itoa(i)
		names[n] = a
		v, ok := li.raw[a]
		switch {
		case !ok:
			cond += " AND attribute_not_exists(" + n + ")"
		case a == "reminded":
			values[":v"+strconv.Itoa(i)] = num(int64(len(li.state.Reminded)))
			cond += " AND size(" + n + ") = :v" + strconv.Itoa(i)
		default:
			values[":v"+strconv.Itoa(i)] = v
			cond += " AND " + n + " = :v" + strconv.Itoa(i)
		}
	}
	put.ConditionExpression = aws.String(cond)
	put.ExpressionAttributeNames = names
	if len(values) > 0 {
		put.ExpressionAttributeValues = values
	}
	return put
}

// putState writes the new state alone; errStateMoved when another writer
// changed it since li was read.
func (s *Store) putState(ctx context.Context, li leaseInsurance, f stateFields) error {
	p := statePut(s.tenancy, li, f)
	_, err := s.db.PutItem(ctx, &dynamodb.PutItemInput{TableName: p.TableName, Item: p.Item,
		ConditionExpression: p.ConditionExpression, ExpressionAttributeNames: p.ExpressionAttributeNames,
		ExpressionAttributeValues: p.ExpressionAttributeValues})
	if isConditionFailed(err) {
		return errStateMoved
	}
	if err != nil {
		return fmt.Errorf("put insurance state: %w", err)
	}
	return nil
}

// changeState reads the lease's insurance, lets change work out the new
// state fields (ok false: nothing to write), settles them and writes them,
// again from the read when another writer moved the state meanwhile. It
// reports whether it wrote.
func (s *Store) changeState(ctx context.Context, ref string, today tenancy.Date,
	change func(li leaseInsurance, f *stateFields) (bool, error)) (bool, error) {
	for try := 0; try < stateTries; try++ {
		if try > 0 {
			// Jittered, so that writers that collided do not collide again.
			select {
			case <-ctx.Done():
				return false, ctx.Err()
			case <-time.After(time.Duration(1+rand.IntN(10*min(try, 10))) * time.Millisecond):
			}
		}
		li, err := s.readInsurance(ctx, ref)
		if err != nil {
			return false, err
		}
		f := li.state
		f.Reminded = append([]string(nil), li.state.Reminded...)
		ok, err := change(li, &f)
		if err != nil || !ok {
			return false, err
		}
		f = settle(ref, f, li.certs, today)
		if li.raw != nil && f.equal(li.state) {
			return false, nil
		}
		err = s.putState(ctx, li, f)
		if errors.Is(err, errStateMoved) {
			continue
		}
		return err == nil, err
	}
	// No reference in the error: the reminders' errors end up in logs.
	return false, fmt.Errorf("insurance state: %w", errStateMoved)
}
