package localstack

import (
	"encoding/json"
	"reflect"
	"regexp"
	"strconv"
	"testing"
)

// TestNoticeRunTemplate checks, on the template as CloudFormation gets it
// (translated by aws-sam-translator), what the monthly run's exactly-once
// and retries rely on in AWS, which the local stack cannot show: the
// queue's visibility timeout and dead-letter queue, the worker's partial
// batch failures and maximum concurrency, and the schedules.
func TestNoticeRunTemplate(t *testing.T) {
	out := samTranslate(t)
	var cfn struct {
		Resources map[string]struct {
			Type       string
			Properties map[string]any
		}
	}
	if err := json.Unmarshal(out, &cfn); err != nil {
		t.Fatal(err)
	}
	res := func(id string) map[string]any {
		r, ok := cfn.Resources[id]
		if !ok {
			t.Fatalf("no %s in the translated template", id)
		}
		return r.Properties
	}
	num := func(v any) float64 {
		switch x := v.(type) {
		case float64:
			return x
		case string:
			f, _ := strconv.ParseFloat(x, 64)
			return f
		}
		return -1
	}

	// The notices' queue and the mails' queue: each with a visibility
	// timeout of six times its function's timeout, five receives before
	// its dead-letter queue, partial batch failures and a maximum
	// concurrency from a parameter.
	for _, c := range []struct{ fn, queue, dlq, event, concurrency string }{
		{"NoticeWorkerFunction", "NoticesQueue", "NoticesDeadLetterQueue", "NoticeWorkerFunctionBatches", "NoticeWorkerConcurrency"},
		{"NoticeMailsFunction", "NoticeMailsQueue", "NoticeMailsDeadLetterQueue", "NoticeMailsFunctionMails", "NoticeMailConcurrency"},
	} {
		fn, queue := res(c.fn), res(c.queue)
		if vt, to := num(queue["VisibilityTimeout"]), num(fn["Timeout"]); to <= 0 || vt < 6*to {
			t.Errorf("%s: visibility timeout %v < 6 x %s's timeout %v", c.queue, vt, c.fn, to)
		}
		redrive, _ := queue["RedrivePolicy"].(map[string]any)
		if num(redrive["maxReceiveCount"]) != 5 || !reflect.DeepEqual(redrive["deadLetterTargetArn"], map[string]any{"Fn::GetAtt": []any{c.dlq, "Arn"}}) {
			t.Errorf("%s: redrive policy %v; want 5 receives then %s", c.queue, redrive, c.dlq)
		}
		esm := res(c.event)
		if !reflect.DeepEqual(esm["FunctionResponseTypes"], []any{"ReportBatchItemFailures"}) ||
			!reflect.DeepEqual(esm["ScalingConfig"], map[string]any{"MaximumConcurrency": map[string]any{"Ref": c.concurrency}}) ||
			!reflect.DeepEqual(esm["EventSourceArn"], map[string]any{"Fn::GetAtt": []any{c.queue, "Arn"}}) {
			t.Errorf("%s event source %v", c.fn, esm)
		}
	}
	vars := func(id string) map[string]any {
		env, _ := res(id)["Environment"].(map[string]any)
		v, _ := env["Variables"].(map[string]any)
		return v
	}
	mailsURL := map[string]any{"Ref": "NoticeMailsQueue"}
	// The worker queues the mails and does not pace them; the print step
	// queues lost ones again; noticemails paces them.
	if w := vars("NoticeWorkerFunction"); !reflect.DeepEqual(w["NOTICE_MAILS_QUEUE_URL"], mailsURL) || w["NOTICE_MAIL_RATE"] != nil {
		t.Errorf("the worker's settings %v; want the mail queue and no mail rate", w)
	}
	if n := vars("NoticesFunction"); !reflect.DeepEqual(n["NOTICE_MAILS_QUEUE_URL"], mailsURL) {
		t.Errorf("the print step does not get the mail queue: %v", n)
	}
	if m := vars("NoticeMailsFunction"); !reflect.DeepEqual(m["NOTICE_MAIL_CONCURRENCY"], map[string]any{"Ref": "NoticeMailConcurrency"}) ||
		!reflect.DeepEqual(m["NOTICE_MAIL_RATE"], map[string]any{"Ref": "NoticeMailRate"}) {
		t.Errorf("noticemails does not get the rate and the concurrency it divides it by: %v", m)
	}

	failures := map[string]any{"Fn::GetAtt": []any{"NoticesFailuresQueue", "Arn"}}
	// The plan on NoticeDay; the print step every evening, so that a mail
	// refused after the 28th is still printed.
	crons := map[string]*regexp.Regexp{
		"NoticesFunctionPlan":  regexp.MustCompile(`^cron\(0 (\d+) \$\{NoticeDay\} \* \? \*\)$`),
		"NoticesFunctionPrint": regexp.MustCompile(`^cron\(0 (\d+) \* \* \? \*\)$`),
	}
	for _, id := range []string{"NoticesFunctionPlan", "NoticesFunctionPrint"} {
		s := res(id)
		if s["ScheduleExpressionTimezone"] != "Europe/Paris" {
			t.Errorf("%s: time zone %v", id, s["ScheduleExpressionTimezone"])
		}
		if _, named := s["Name"]; named {
			t.Errorf("%s: a fixed name (%v): a second stack in the account could not create it", id, s["Name"])
		}
		var expr string
		switch e := s["ScheduleExpression"].(type) {
		case string:
			expr = e
		case map[string]any:
			expr, _ = e["Fn::Sub"].(string)
		}
		m := crons[id].FindStringSubmatch(expr)
		if m == nil {
			t.Errorf("%s: schedule %v; want %v", id, s["ScheduleExpression"], crons[id])
		} else if h, _ := strconv.Atoi(m[1]); h == 2 || h == 3 {
			t.Errorf("%s: at %d:00, in the hour summer time skips or repeats", id, h)
		}
		target, _ := s["Target"].(map[string]any)
		retry, _ := target["RetryPolicy"].(map[string]any)
		dlq, _ := target["DeadLetterConfig"].(map[string]any)
		if num(retry["MaximumRetryAttempts"]) < 1 || !reflect.DeepEqual(dlq["Arn"], failures) {
			t.Errorf("%s: retry %v, dead letters %v", id, retry, dlq)
		}
	}
	// A step that fails in the function (after Lambda's asynchronous
	// retries) lands in the same queue.
	eic := res("NoticesFunctionEventInvokeConfig")
	dest, _ := eic["DestinationConfig"].(map[string]any)
	onFailure, _ := dest["OnFailure"].(map[string]any)
	if !reflect.DeepEqual(onFailure["Destination"], failures) {
		t.Errorf("failed invocations of the notices function go to %v", onFailure)
	}
}
