package dynamo

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/citejardins/extranet/shared/account"
	"github.com/citejardins/extranet/shared/document"
	"github.com/citejardins/extranet/shared/notice"
	"github.com/citejardins/extranet/shared/noticerun"
	"github.com/citejardins/extranet/shared/tenancy"
)

// The monthly run's state (DESIGN.md, "Monthly notices and documents",
// pattern 15), in the tenancy table:
//
//   - RUN#<AAAA-MM> / RUN: the period's run (issue date, attempts, the last
//     attempt and how many leases it queued, the print step's claim);
//   - RUN#<AAAA-MM> / PRINT#<batch>: a print batch (attempt, written, count);
//   - RUN#<AAAA-MM>#<shard> / LEASE#<ref>: what the run did for a lease.
//
// A lease's run items are spread over the shards' partitions, so the
// workers' writes (one transaction and at most three updates a lease) go
// to 16 partitions, and the print step and the report read them with one
// paginated Query per shard.

var (
	_ noticerun.RunStarts  = (*Store)(nil)
	_ noticerun.Runs       = (*Store)(nil)
	_ noticerun.Prints     = (*Store)(nil)
	_ noticerun.Tenancy    = (*Store)(nil)
	_ noticerun.Recipients = (*Store)(nil)
	_ noticerun.Leases     = (*Store)(nil)
)

const (
	runSK      = "RUN"
	printPfx   = "PRINT#"
	runLeasePf = "LEASE#"
)

func runPK(p notice.Period) string                 { return "RUN#" + p.String() }
func runShardPK(p notice.Period, sh string) string { return "RUN#" + p.String() + "#" + sh }

type runItem struct {
	PK          string
	SK          string
	StartedAt   string `dynamodbav:"startedAt"`
	Issued      string `dynamodbav:"issued"`
	Attempts    int    `dynamodbav:"attempts"`
	LastAttempt string `dynamodbav:"lastAttempt"`
	Planned     int    `dynamodbav:"planned"`
	PrintClaim  int64  `dynamodbav:"printClaim"`
}

type runLeaseItem struct {
	PK           string
	SK           string
	Ref          string `dynamodbav:"ref"`
	Attempt      string `dynamodbav:"attempt"`
	IssuedAt     string `dynamodbav:"issuedAt"`
	Mail         string `dynamodbav:"mail"`
	ClaimedUntil int64  `dynamodbav:"claimedUntil"` // unix ms; 0 when not claimed
	MailAttempt  string `dynamodbav:"mailAttempt,omitempty"`
	MessageID    string `dynamodbav:"messageId,omitempty"`
	Print        bool   `dynamodbav:"print"`
	PrintBatch   string `dynamodbav:"printBatch,omitempty"`
	Postal       string `dynamodbav:"postal"`
}

type printBatchItem struct {
	PK      string
	SK      string
	ID      string `dynamodbav:"id"`
	Attempt string `dynamodbav:"attempt"`
	Written bool   `dynamodbav:"written"`
	Count   int    `dynamodbav:"count"`
}

func (it runLeaseItem) domain(p notice.Period) noticerun.LeaseRun {
	r := noticerun.LeaseRun{Period: p, Shard: it.PK[strings.LastIndexByte(it.PK, '#')+1:], Ref: it.Ref, Attempt: it.Attempt,
		Mail: noticerun.MailState(it.Mail), MailAttempt: it.MailAttempt, MessageID: it.MessageID,
		Printable: it.Print, PrintBatch: it.PrintBatch, Postal: it.Postal}
	r.IssuedAt, _ = time.Parse(time.RFC3339Nano, it.IssuedAt)
	if it.ClaimedUntil > 0 {
		r.ClaimedUntil = time.UnixMilli(it.ClaimedUntil).UTC()
	}
	return r
}

func runLeaseKey(r noticerun.LeaseRun) map[string]types.AttributeValue {
	return keyOf(runShardPK(r.Period, r.Shard), runLeasePf+r.Ref)
}

func isConditionFailed(err error) bool {
	var ccf *types.ConditionalCheckFailedException
	return errors.As(err, &ccf)
}

// --- the planner -----------------------------------------------------------

// StartRun records a new attempt of the period's run: the run's item keeps
// the first attempt's start and issue date, counts the attempts and names
// the last one (its planned count -1 until Planned). It returns the run's
// issue date.
func (s *Store) StartRun(ctx context.Context, p notice.Period, attempt string, today tenancy.Date, at time.Time) (tenancy.Date, error) {
	out, err := s.db.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName:        &s.tenancy,
		Key:              keyOf(runPK(p), runSK),
		UpdateExpression: aws.String("SET startedAt = if_not_exists(startedAt, :at), issued = if_not_exists(issued, :today), lastAttempt = :a, planned = :none ADD attempts :one"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":at": str(at.UTC().Format(time.RFC3339Nano)),
			":today": str(today.String()), ":a": str(attempt), ":none": num(-1), ":one": num(1)},
		ReturnValues: types.ReturnValueAllNew,
	})
	if err != nil {
		return tenancy.Date{}, fmt.Errorf("start run: %w", err)
	}
	var it runItem
	if err := attributevalue.UnmarshalMap(out.Attributes, &it); err != nil {
		return tenancy.Date{}, fmt.Errorf("decode run: %w", err)
	}
	d, err := tenancy.ParseDate(it.Issued)
	if err != nil {
		return tenancy.Date{}, fmt.Errorf("run %s: issue date %q", p, it.Issued)
	}
	return d, nil
}

// Planned records how many leases an attempt queued, unless a later
// attempt started since.
func (s *Store) Planned(ctx context.Context, p notice.Period, attempt string, leases int) error {
	_, err := s.db.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName:                 &s.tenancy,
		Key:                       keyOf(runPK(p), runSK),
		UpdateExpression:          aws.String("SET planned = :n"),
		ConditionExpression:       aws.String("lastAttempt = :a"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":n": num(int64(leases)), ":a": str(attempt)},
	})
	if err != nil && !isConditionFailed(err) {
		return fmt.Errorf("record plan: %w", err)
	}
	return nil
}

// Run reads the period's run item; false when the period never ran.
func (s *Store) Run(ctx context.Context, p notice.Period) (noticerun.RunInfo, bool, error) {
	var it runItem
	err := s.get(ctx, s.tenancy, runPK(p), runSK, &it)
	if errors.Is(err, account.ErrNotFound) || (err == nil && it.LastAttempt == "") {
		return noticerun.RunInfo{}, false, nil
	}
	if err != nil {
		return noticerun.RunInfo{}, false, fmt.Errorf("read run: %w", err)
	}
	return noticerun.RunInfo{Period: p, Issued: parseDate(it.Issued), LastAttempt: it.LastAttempt, Planned: it.Planned}, true, nil
}

// --- the worker ------------------------------------------------------------

// LeaseSince reads a lease (with its balance and signatories) and sums
// its ledger entries dated on or after a day (debit less credit, cents),
// in one Query: the entries from that day sort just before the lease's
// own items.
func (s *Store) LeaseSince(ctx context.Context, ref string, from tenancy.Date) (tenancy.Lease, int64, error) {
	return s.leaseFrom(ctx, ref, entryPfx+from.String())
}

// EntriesSince sums the lease's ledger entries dated on or after a day
// (debit less credit, cents): one Query of their amounts.
func (s *Store) EntriesSince(ctx context.Context, ref string, from tenancy.Date) (int64, error) {
	return s.sumAfter(ctx, ref, entryPfx+from.String())
}

// NoticeRecipient tells whether the lease takes paperless notices (its
// LEASEPREFS consent, with at least one active account) and where to mail
// them: every active account's notification email, else login email, once
// each (account.ActiveRecipients). A lease without an active account is not
// paperless.
func (s *Store) NoticeRecipient(ctx context.Context, ref string) (noticerun.Recipient, error) {
	accs, err := s.recipientAccounts(ctx, ref)
	if err != nil {
		return noticerun.Recipient{}, err
	}
	if len(accs) == 0 {
		return noticerun.Recipient{}, nil
	}
	// Only the consent (the functions' IAM policies allow no other
	// attribute of the item).
	res, err := s.db.GetItem(ctx, &dynamodb.GetItemInput{TableName: &s.accounts, Key: keyOf(accountPK(ref), leasePrefsSK),
		ConsistentRead: aws.Bool(true), ProjectionExpression: aws.String("paperless")})
	if err != nil {
		return noticerun.Recipient{}, fmt.Errorf("read lease preferences: %w", err)
	}
	var lp leasePrefsItem
	if err := attributevalue.UnmarshalMap(res.Item, &lp); err != nil {
		return noticerun.Recipient{}, fmt.Errorf("decode lease preferences: %w", err)
	}
	r := noticerun.Recipient{Paperless: lp.Paperless}
	for _, a := range accs {
		r.Emails = append(r.Emails, a.NoticeEmail())
	}
	r.Email = r.Emails[0]
	if len(accs) == 1 {
		r.Signatory = accs[0].Signatory
	}
	return r, nil
}

// recipientAccounts lists a lease's active accounts whose signatory the
// lease still lists (listedOnly), one per notice address: one Query that reads only the attributes a mail needs
// (the template's dynamodb:Attributes; the functions' IAM policies allow no other), never
// the password's hash.
func (s *Store) recipientAccounts(ctx context.Context, ref string) ([]account.Account, error) {
	items, err := queryAll[accountItem](ctx, s.db, &dynamodb.QueryInput{
		TableName:                 &s.accounts,
		KeyConditionExpression:    aws.String("PK = :pk AND begins_with(SK, :p)"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": str(accountPK(ref)), ":p": str(accountSkPfx)},
		ProjectionExpression:      aws.String("PK, SK, signatory, #st, email, notificationEmail"),
		ExpressionAttributeNames:  map[string]string{"#st": "status"},
		ConsistentRead:            aws.Bool(true),
	})
	if err != nil {
		return nil, fmt.Errorf("read accounts: %w", err)
	}
	accs, err := s.listedOnly(ctx, ref, items)
	if err != nil {
		return nil, err
	}
	return account.ActiveRecipients(accs), nil
}

// LeaseRun reads a lease's run item, strongly consistent.
func (s *Store) LeaseRun(ctx context.Context, p notice.Period, shard, ref string) (noticerun.LeaseRun, bool, error) {
	var it runLeaseItem
	err := s.get(ctx, s.tenancy, runShardPK(p, shard), runLeasePf+ref, &it)
	if errors.Is(err, account.ErrNotFound) {
		return noticerun.LeaseRun{}, false, nil
	}
	if err != nil {
		return noticerun.LeaseRun{}, false, fmt.Errorf("read run item: %w", err)
	}
	return it.domain(p), true, nil
}

// NoticeDocument is the "Mes documents" entry of an issued notice.
func NoticeDocument(n notice.Notice, key string, size int64) document.Document {
	amount, due := n.AmountDueCents, n.DueDate
	return document.Document{Kind: document.Notice, Title: "Avis d’échéance " + noticerun.OfPeriod(n.Period),
		Period: n.Period.String(), Date: n.IssueDate, ContentType: "application/pdf", SizeBytes: size,
		FileName: notice.FileName(n.Period), Key: key, AmountDueCents: &amount, DueDate: &due}
}

// Issue writes, in one transaction, the notice's document (with the notice
// as JSON in `notice`, to print it again) and the lease's run item, each
// only if absent: noticerun.ErrAlreadyIssued when either exists. A
// transaction cancelled by a concurrent one on the same items is tried
// again (it then finds them).
func (s *Store) Issue(ctx context.Context, is noticerun.Issue) error {
	nj, err := json.Marshal(is.Notice)
	if err != nil {
		return fmt.Errorf("encode notice: %w", err)
	}
	doc, err := DocumentPut(s.tenancy, is.Run.Ref, NoticeDocument(is.Notice, is.Key, is.SizeBytes),
		map[string]types.AttributeValue{"notice": str(string(nj))})
	if err != nil {
		return err
	}
	r := is.Run
	item, err := attributevalue.MarshalMap(runLeaseItem{PK: runShardPK(r.Period, r.Shard), SK: runLeasePf + r.Ref, Ref: r.Ref,
		Attempt: r.Attempt, IssuedAt: r.IssuedAt.UTC().Format(time.RFC3339Nano), Mail: string(r.Mail), Print: r.Printable, Postal: r.Postal})
	if err != nil {
		return fmt.Errorf("encode run item: %w", err)
	}
	in := &dynamodb.TransactWriteItemsInput{TransactItems: []types.TransactWriteItem{doc,
		{Put: &types.Put{TableName: &s.tenancy, Item: item, ConditionExpression: aws.String("attribute_not_exists(PK)")}}}}
	for attempt := 0; ; attempt++ {
		_, err = s.db.TransactWriteItems(ctx, in)
		failed := cancelled(err)
		switch {
		case err == nil:
			return nil
		case failed == nil:
			return fmt.Errorf("issue notice: %w", err)
		case !failed[-1]:
			return noticerun.ErrAlreadyIssued
		}
		if err := backoff(ctx, attempt+1); err != nil {
			return fmt.Errorf("issue notice: %w", err)
		}
	}
}

// ClaimMail moves the lease's mail from pending (or sending, its claim
// ended before now) to sending until the given time.
func (s *Store) ClaimMail(ctx context.Context, r noticerun.LeaseRun, now, until time.Time) (bool, error) {
	_, err := s.db.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName:                &s.tenancy,
		Key:                      runLeaseKey(r),
		UpdateExpression:         aws.String("SET #m = :sending, claimedUntil = :until"),
		ConditionExpression:      aws.String("#m = :pending OR (#m = :sending AND claimedUntil < :now)"),
		ExpressionAttributeNames: map[string]string{"#m": "mail"},
		ExpressionAttributeValues: map[string]types.AttributeValue{":sending": str(string(noticerun.MailSending)),
			":pending": str(string(noticerun.MailPending)), ":until": num(until.UnixMilli()), ":now": num(now.UnixMilli())},
	})
	if isConditionFailed(err) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("claim mail: %w", err)
	}
	return true, nil
}

// claimed updates a mail the caller holds (sending, until the given time):
// noticerun.ErrClaimLost when it no longer does.
func (s *Store) claimed(ctx context.Context, r noticerun.LeaseRun, until time.Time, set string, vals map[string]types.AttributeValue) error {
	vals[":sending"], vals[":until"] = str(string(noticerun.MailSending)), num(until.UnixMilli())
	names := map[string]string{"#m": "mail"}
	if strings.Contains(set, "#p") {
		names["#p"] = "print"
	}
	_, err := s.db.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName:                 &s.tenancy,
		Key:                       runLeaseKey(r),
		UpdateExpression:          aws.String(set),
		ConditionExpression:       aws.String("#m = :sending AND claimedUntil = :until"),
		ExpressionAttributeNames:  names,
		ExpressionAttributeValues: vals,
	})
	if isConditionFailed(err) {
		return noticerun.ErrClaimLost
	}
	if err != nil {
		return fmt.Errorf("update mail: %w", err)
	}
	return nil
}

// MailSent records the mail sent, with its SES message id and the attempt.
func (s *Store) MailSent(ctx context.Context, r noticerun.LeaseRun, until time.Time, attempt, messageID string) error {
	return s.claimed(ctx, r, until, "SET #m = :sent, messageId = :id, mailAttempt = :a",
		map[string]types.AttributeValue{":sent": str(string(noticerun.MailSent)), ":id": str(messageID), ":a": str(attempt)})
}

// MailFailed records the mail refused and makes the notice printable.
func (s *Store) MailFailed(ctx context.Context, r noticerun.LeaseRun, until time.Time, attempt string) error {
	return s.claimed(ctx, r, until, "SET #m = :failed, mailAttempt = :a, #p = :yes",
		map[string]types.AttributeValue{":failed": str(string(noticerun.MailFailed)), ":a": str(attempt),
			":yes": &types.AttributeValueMemberBOOL{Value: true}})
}

// ReleaseMail gives a claimed, unsent mail back: pending, no claim.
func (s *Store) ReleaseMail(ctx context.Context, r noticerun.LeaseRun, until time.Time) error {
	return s.claimed(ctx, r, until, "SET #m = :pending, claimedUntil = :zero",
		map[string]types.AttributeValue{":pending": str(string(noticerun.MailPending)), ":zero": num(0)})
}
