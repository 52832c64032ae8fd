package localstack

import (
	"encoding/json"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

type cfnResource struct {
	Type       string
	Condition  string
	Properties map[string]any
}

// translatedTemplate is template.yaml as CloudFormation gets it, through
// aws-sam-translator (skipped without it, outside CI).
func translatedTemplate(t *testing.T) map[string]cfnResource {
	t.Helper()
	out := samTranslate(t)
	var cfn struct{ Resources map[string]cfnResource }
	if err := json.Unmarshal(out, &cfn); err != nil {
		t.Fatal(err)
	}
	return cfn.Resources
}

// cfnNum is a number of the translated template (SAM leaves some as
// strings), or -1.
func cfnNum(v any) float64 {
	switch x := v.(type) {
	case float64:
		return x
	case string:
		f, err := strconv.ParseFloat(x, 64)
		if err != nil {
			return -1
		}
		return f
	}
	return -1
}

// TestNoticeAlarmsTemplate checks that nothing of the monthly run fails
// silently: every dead-letter queue (a queue some redrive policy, schedule
// or failure destination sends to) has an alarm on its visible messages
// that notifies AlarmTopic, whose email subscription exists only with
// AlarmEmail; every queue is encrypted and only reachable over TLS; the
// dead letters are kept 14 days and the main queues at least 4.
func TestNoticeAlarmsTemplate(t *testing.T) {
	res := translatedTemplate(t)

	// The dead-letter queues, found from what sends to them rather than
	// from a list, so that a new one without an alarm fails here.
	dlqs := map[string]bool{}
	arnID := func(v any) string {
		if m, ok := v.(map[string]any); ok {
			if ga, ok := m["Fn::GetAtt"].([]any); ok && len(ga) == 2 && ga[1] == "Arn" {
				id, _ := ga[0].(string)
				return id
			}
		}
		return ""
	}
	queues := map[string]map[string]any{}
	for id, r := range res {
		switch r.Type {
		case "AWS::SQS::Queue":
			queues[id] = r.Properties
			if rp, ok := r.Properties["RedrivePolicy"].(map[string]any); ok {
				dlqs[arnID(rp["deadLetterTargetArn"])] = true
			}
		case "AWS::Scheduler::Schedule":
			target, _ := r.Properties["Target"].(map[string]any)
			if dl, ok := target["DeadLetterConfig"].(map[string]any); ok {
				dlqs[arnID(dl["Arn"])] = true
			}
		case "AWS::Lambda::EventInvokeConfig":
			dest, _ := r.Properties["DestinationConfig"].(map[string]any)
			onFailure, _ := dest["OnFailure"].(map[string]any)
			if id := arnID(onFailure["Destination"]); id != "" {
				dlqs[id] = true
			}
		}
	}
	for _, want := range []string{"NoticesDeadLetterQueue", "NoticeMailsDeadLetterQueue", "NoticesFailuresQueue", "InsuranceRemindersFailuresQueue"} {
		if !dlqs[want] {
			t.Errorf("%s is not found as a dead-letter queue (found %v)", want, dlqs)
		}
	}
	for id := range dlqs {
		if _, ok := queues[id]; !ok {
			t.Errorf("dead letters go to %q, which is not a queue of the template", id)
		}
	}

	topic := map[string]any{"Ref": "AlarmTopic"}
	if res["AlarmTopic"].Type != "AWS::SNS::Topic" {
		t.Fatalf("AlarmTopic is %q, want an AWS::SNS::Topic", res["AlarmTopic"].Type)
	}
	sub := res["AlarmEmailSubscription"]
	if sub.Type != "AWS::SNS::Subscription" || sub.Condition != "HasAlarmEmail" ||
		sub.Properties["Protocol"] != "email" ||
		!reflect.DeepEqual(sub.Properties["Endpoint"], map[string]any{"Ref": "AlarmEmail"}) ||
		!reflect.DeepEqual(sub.Properties["TopicArn"], topic) {
		t.Errorf("AlarmEmailSubscription %+v; want an email subscription of AlarmTopic to AlarmEmail, under HasAlarmEmail", sub)
	}

	// An alarm by queue name, and by function.
	alarmed := map[string]map[string]any{} // queue or function logical id -> alarm
	for id, r := range res {
		if r.Type != "AWS::CloudWatch::Alarm" {
			continue
		}
		p := r.Properties
		if !reflect.DeepEqual(p["AlarmActions"], []any{topic}) {
			t.Errorf("%s notifies %v, want AlarmTopic", id, p["AlarmActions"])
		}
		if p["TreatMissingData"] != "notBreaching" || p["ComparisonOperator"] != "GreaterThanThreshold" || cfnNum(p["Threshold"]) != 0 ||
			cfnNum(p["Period"]) != 300 || cfnNum(p["EvaluationPeriods"]) != 1 {
			t.Errorf("%s: %v %v %v over %v s x %v, missing data %v; want > 0 over 5 minutes, missing data not breaching",
				id, p["Statistic"], p["ComparisonOperator"], p["Threshold"], p["Period"], p["EvaluationPeriods"], p["TreatMissingData"])
		}
		dims, _ := p["Dimensions"].([]any)
		if len(dims) != 1 {
			t.Errorf("%s: dimensions %v", id, dims)
			continue
		}
		dim, _ := dims[0].(map[string]any)
		switch {
		case p["Namespace"] == "AWS/SQS" && p["MetricName"] == "ApproximateNumberOfMessagesVisible" && p["Statistic"] == "Maximum" && dim["Name"] == "QueueName":
			v, _ := dim["Value"].(map[string]any)
			ga, _ := v["Fn::GetAtt"].([]any)
			if len(ga) == 2 && ga[1] == "QueueName" {
				alarmed[ga[0].(string)] = p
			}
		case p["Namespace"] == "AWS/Lambda" && p["MetricName"] == "Errors" && p["Statistic"] == "Sum" && dim["Name"] == "FunctionName":
			v, _ := dim["Value"].(map[string]any)
			if fn, ok := v["Ref"].(string); ok {
				alarmed[fn] = p
			}
		default:
			t.Errorf("%s watches %v %v %v %v", id, p["Namespace"], p["MetricName"], p["Statistic"], dim)
		}
	}
	// What an alarm's mail says: English, what to do, and the command that
	// re-runs a period, within CloudWatch's 1,024 characters once the
	// names are substituted (at their longest).
	var ref = regexp.MustCompile(`\$\{([A-Za-z]+)(\.[A-Za-z]+)?\}`)
	describe := func(id string, p map[string]any) string {
		d, _ := p["AlarmDescription"].(map[string]any)
		s, _ := d["Fn::Sub"].(string)
		if s == "" {
			s, _ = p["AlarmDescription"].(string)
		}
		full := ref.ReplaceAllStringFunc(s, func(m string) string {
			sm := ref.FindStringSubmatch(m)
			if _, ok := res[sm[1]]; !ok {
				t.Errorf("%s's description names %s, not a resource", id, m)
			}
			switch {
			case sm[2] == ".QueueName":
				return strings.Repeat("q", 80)
			case strings.HasSuffix(sm[1], "Queue"):
				return strings.Repeat("u", 128) // the queue's URL
			default:
				return strings.Repeat("f", 64) // a function's name
			}
		})
		if len(full) > 1024 {
			t.Errorf("%s: description of %d characters at most, CloudWatch takes 1,024", id, len(full))
		}
		if regexp.MustCompile(`[àâçéèêëîïôûùüÿœ]`).MatchString(s) {
			t.Errorf("%s: the description is for the operator, in English: %q", id, s)
		}
		return s
	}
	for q := range dlqs {
		p, ok := alarmed[q]
		if !ok {
			t.Errorf("no alarm on %s's visible messages", q)
			continue
		}
		s := describe(q, p)
		wants := []string{"aws sqs receive-message", "aws lambda invoke --function-name ${NoticesFunction}", `"period":"YYYY-MM"`}
		if q == "InsuranceRemindersFailuresQueue" {
			wants = []string{"aws sqs receive-message", "aws lambda invoke --function-name ${InsuranceRemindersFunction}"}
		}
		for _, want := range wants {
			if !strings.Contains(s, want) {
				t.Errorf("%s's alarm does not say %q: %s", q, want, s)
			}
		}
	}
	for _, fn := range []string{"NoticesFunction", "NoticeWorkerFunction", "NoticeMailsFunction", "InsuranceRemindersFunction"} {
		if p, ok := alarmed[fn]; !ok {
			t.Errorf("no alarm on %s's errors", fn)
		} else {
			describe(fn, p)
		}
	}

	// Every queue encrypted; dead letters kept 14 days, the main queues at
	// least the 4 days a run and its re-runs can take.
	for id, q := range queues {
		if q["SqsManagedSseEnabled"] != true && q["KmsMasterKeyId"] == nil {
			t.Errorf("%s is not encrypted", id)
		}
		r := cfnNum(q["MessageRetentionPeriod"])
		if dlqs[id] && r != 1209600 {
			t.Errorf("dead-letter queue %s keeps messages %v s, want 14 days (1209600)", id, r)
		} else if r < 4*24*3600 {
			t.Errorf("%s keeps messages %v s, want at least 4 days", id, r)
		}
	}

	// Only TLS: a queue policy denies the rest on every queue.
	covered := map[string]bool{}
	for id, r := range res {
		if r.Type != "AWS::SQS::QueuePolicy" {
			continue
		}
		doc, _ := r.Properties["PolicyDocument"].(map[string]any)
		stmts, _ := doc["Statement"].([]any)
		for _, st := range stmts {
			s, _ := st.(map[string]any)
			cond, _ := s["Condition"].(map[string]any)
			if s["Effect"] != "Deny" || !reflect.DeepEqual(cond, map[string]any{"Bool": map[string]any{"aws:SecureTransport": "false"}}) {
				t.Errorf("%s: statement %v is not the TLS-only deny", id, s)
				continue
			}
			rs, _ := s["Resource"].([]any)
			for _, a := range rs {
				covered[arnID(a)] = true
			}
		}
		qs, _ := r.Properties["Queues"].([]any)
		for _, a := range qs {
			m, _ := a.(map[string]any)
			if name, _ := m["Ref"].(string); !covered[name] {
				t.Errorf("%s applies to %s but its statement does not name it", id, name)
			}
		}
	}
	for id := range queues {
		if !covered[id] {
			t.Errorf("%s may be reached without TLS: no queue policy denies it", id)
		}
	}

	// The schedules' roles (written by SAM) may send to their dead-letter
	// queue, and to nothing else.
	for _, sched := range []string{"NoticesFunctionPlan", "NoticesFunctionPrint"} {
		target, _ := res[sched].Properties["Target"].(map[string]any)
		dl, _ := target["DeadLetterConfig"].(map[string]any)
		role := arnID(target["RoleArn"])
		sends := map[string]bool{}
		pols, _ := res[role].Properties["Policies"].([]any)
		for _, pol := range pols {
			doc, _ := pol.(map[string]any)["PolicyDocument"].(map[string]any)
			stmts, _ := doc["Statement"].([]any)
			for _, st := range stmts {
				s, _ := st.(map[string]any)
				if s["Action"] == "sqs:SendMessage" && s["Effect"] == "Allow" {
					sends[arnID(s["Resource"])] = true
				} else if a, _ := json.Marshal(s["Action"]); strings.Contains(string(a), "sqs:") {
					t.Errorf("%s's role %s may also %s", sched, role, a)
				}
			}
		}
		if want := arnID(dl["Arn"]); len(sends) != 1 || !sends[want] {
			t.Errorf("%s's role %s may send to %v; want its dead-letter queue %s only", sched, role, sends, want)
		}
	}
}
