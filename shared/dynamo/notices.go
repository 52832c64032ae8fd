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

// EntriesSince sums the lease's ledger entries dated on or after a day
// (debit less credit, cents): one Query of their amounts.
func (s *Store) EntriesSince(ctx context.Context, ref string, from tenancy.Date) (int64, error) {
	return s.sumAfter(ctx, ref, entryPfx+from.String())
}

// NoticeRecipient tells whether the lease's tenant takes paperless notices
// (an active account that chose it) and where to mail them: the
// notification email, else the login email. A lease without an account is
// not paperless.
func (s *Store) NoticeRecipient(ctx context.Context, ref string) (noticerun.Recipient, error) {
	var it accountItem
	err := s.get(ctx, s.accounts, accountPK(ref), "ACCOUNT", &it)
	if errors.Is(err, account.ErrNotFound) {
		return noticerun.Recipient{}, nil
	}
	if err != nil {
		return noticerun.Recipient{}, fmt.Errorf("read account: %w", err)
	}
	r := noticerun.Recipient{Paperless: it.Paperless && account.Status(it.Status) == account.Active, Email: it.NotificationEmail}
	if r.Email == "" {
		r.Email = it.Email
	}
	return r, nil
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
	return document.Document{Kind: document.Notice, Title: "Avis d'échéance " + noticerun.OfPeriod(n.Period),
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

// --- the print step and the report ------------------------------------------

// RunLeases calls page with the run items of one shard, page by page,
// strongly consistent.
func (s *Store) RunLeases(ctx context.Context, p notice.Period, shard string, page func([]noticerun.LeaseRun) error) error {
	pg := dynamodb.NewQueryPaginator(s.db, &dynamodb.QueryInput{
		TableName:                 &s.tenancy,
		KeyConditionExpression:    aws.String("PK = :pk"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": str(runShardPK(p, shard))},
		ConsistentRead:            aws.Bool(true),
	})
	for pg.HasMorePages() {
		out, err := pg.NextPage(ctx)
		if err != nil {
			return fmt.Errorf("query run items: %w", err)
		}
		rs := make([]noticerun.LeaseRun, 0, len(out.Items))
		for _, av := range out.Items {
			var it runLeaseItem
			if err := attributevalue.UnmarshalMap(av, &it); err != nil {
				return fmt.Errorf("decode run item: %w", err)
			}
			rs = append(rs, it.domain(p))
		}
		if err := page(rs); err != nil {
			return err
		}
	}
	return nil
}

// ClaimPrint takes the period's print step until the given time, unless
// another step's claim runs.
func (s *Store) ClaimPrint(ctx context.Context, p notice.Period, now, until time.Time) (bool, error) {
	_, err := s.db.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName:                 &s.tenancy,
		Key:                       keyOf(runPK(p), runSK),
		UpdateExpression:          aws.String("SET printClaim = :until"),
		ConditionExpression:       aws.String("attribute_not_exists(printClaim) OR printClaim < :now"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":until": num(until.UnixMilli()), ":now": num(now.UnixMilli())},
	})
	if isConditionFailed(err) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("claim print: %w", err)
	}
	return true, nil
}

// ReleasePrint ends the caller's claim of the print step.
func (s *Store) ReleasePrint(ctx context.Context, p notice.Period, until time.Time) error {
	_, err := s.db.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName:                 &s.tenancy,
		Key:                       keyOf(runPK(p), runSK),
		UpdateExpression:          aws.String("SET printClaim = :zero"),
		ConditionExpression:       aws.String("printClaim = :until"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":zero": num(0), ":until": num(until.UnixMilli())},
	})
	if err != nil && !isConditionFailed(err) {
		return fmt.Errorf("release print: %w", err)
	}
	return nil
}

// PrintBatches lists the period's print batches in id order.
func (s *Store) PrintBatches(ctx context.Context, p notice.Period) ([]noticerun.PrintBatch, error) {
	items, err := queryAll[printBatchItem](ctx, s.db, &dynamodb.QueryInput{
		TableName:                 &s.tenancy,
		KeyConditionExpression:    aws.String("PK = :pk AND begins_with(SK, :p)"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": str(runPK(p)), ":p": str(printPfx)},
		ConsistentRead:            aws.Bool(true),
	})
	if err != nil {
		return nil, fmt.Errorf("query print batches: %w", err)
	}
	out := make([]noticerun.PrintBatch, len(items))
	for i, it := range items {
		out[i] = noticerun.PrintBatch{ID: it.ID, Attempt: it.Attempt, Written: it.Written, Count: it.Count}
	}
	return out, nil
}

// NewPrintBatch creates a print batch, only if its id is free.
func (s *Store) NewPrintBatch(ctx context.Context, p notice.Period, b noticerun.PrintBatch) error {
	av, err := attributevalue.MarshalMap(printBatchItem{PK: runPK(p), SK: printPfx + b.ID, ID: b.ID, Attempt: b.Attempt})
	if err != nil {
		return fmt.Errorf("encode print batch: %w", err)
	}
	_, err = s.db.PutItem(ctx, &dynamodb.PutItemInput{TableName: &s.tenancy, Item: av, ConditionExpression: aws.String("attribute_not_exists(PK)")})
	if err != nil {
		return fmt.Errorf("new print batch %s: %w", b.ID, err)
	}
	return nil
}

// MarkPrint puts a printable lease in a batch if it is in none, or in that
// one already; false when it is in another.
func (s *Store) MarkPrint(ctx context.Context, r noticerun.LeaseRun, batch string) (bool, error) {
	_, err := s.db.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName:                &s.tenancy,
		Key:                      runLeaseKey(r),
		UpdateExpression:         aws.String("SET printBatch = :b"),
		ConditionExpression:      aws.String("#p = :yes AND (attribute_not_exists(printBatch) OR printBatch = :b)"),
		ExpressionAttributeNames: map[string]string{"#p": "print"},
		ExpressionAttributeValues: map[string]types.AttributeValue{":b": str(batch),
			":yes": &types.AttributeValueMemberBOOL{Value: true}},
	})
	if isConditionFailed(err) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("mark print: %w", err)
	}
	return true, nil
}

// BatchWritten records a print batch's files written, with its count.
func (s *Store) BatchWritten(ctx context.Context, p notice.Period, batch string, count int) error {
	_, err := s.db.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName:                 &s.tenancy,
		Key:                       keyOf(runPK(p), printPfx+batch),
		UpdateExpression:          aws.String("SET written = :t, #c = :n"),
		ConditionExpression:       aws.String("attribute_exists(PK)"),
		ExpressionAttributeNames:  map[string]string{"#c": "count"},
		ExpressionAttributeValues: map[string]types.AttributeValue{":t": &types.AttributeValueMemberBOOL{Value: true}, ":n": num(int64(count))},
	})
	if err != nil {
		return fmt.Errorf("print batch %s written: %w", batch, err)
	}
	return nil
}

// Notices reads the issued notices of leases for a period from their
// documents' `notice`: BatchGetItem, 100 keys a call, unprocessed keys
// tried again.
func (s *Store) Notices(ctx context.Context, p notice.Period, refs []string) ([]notice.Notice, error) {
	var out []notice.Notice
	for start := 0; start < len(refs); start += 100 {
		keys := make([]map[string]types.AttributeValue, 0, 100)
		for _, ref := range refs[start:min(start+100, len(refs))] {
			keys = append(keys, keyOf(leasePK(ref), documentSK(document.Notice, p.String())))
		}
		req := map[string]types.KeysAndAttributes{s.tenancy: {Keys: keys, ProjectionExpression: aws.String("notice"), ConsistentRead: aws.Bool(true)}}
		for attempt := 0; len(req) > 0 && len(req[s.tenancy].Keys) > 0; attempt++ {
			if attempt > 0 {
				if err := backoff(ctx, attempt); err != nil {
					return nil, err
				}
			}
			res, err := s.db.BatchGetItem(ctx, &dynamodb.BatchGetItemInput{RequestItems: req})
			if err != nil {
				return nil, fmt.Errorf("read notices: %w", err)
			}
			for _, av := range res.Responses[s.tenancy] {
				nj, ok := av["notice"].(*types.AttributeValueMemberS)
				if !ok {
					return nil, errors.New("read notices: a notice document without its notice")
				}
				var n notice.Notice
				if err := json.Unmarshal([]byte(nj.Value), &n); err != nil {
					return nil, fmt.Errorf("decode notice: %w", err)
				}
				out = append(out, n)
			}
			req = res.UnprocessedKeys
		}
	}
	return out, nil
}
