package localstack

import (
	"os"
	"path/filepath"
	"strconv"
	"testing"
)

func TestTemplateQueuesAndSQSEvents(t *testing.T) {
	tpl := repoTemplate(t)
	q := tpl.Queues["NoticesQueue"]
	fn := tpl.Functions["noticeworker"]
	conc, _ := strconv.Atoi(*tpl.Parameters["NoticeWorkerConcurrency"])
	if q.DeadLetter != "NoticesDeadLetterQueue" || q.MaxReceiveCount != 5 || q.VisibilityTimeout < 6*fn.Timeout || fn.Timeout == 0 {
		t.Errorf("NoticesQueue = %+v, worker timeout %d s; want a DLQ after 5 receives and a visibility of at least 6 timeouts", q, fn.Timeout)
	}
	if _, ok := tpl.Queues["NoticesDeadLetterQueue"]; !ok {
		t.Error("no NoticesDeadLetterQueue")
	}
	if len(fn.SQS) != 1 || fn.SQS[0].Queue != "NoticesQueue" || fn.SQS[0].BatchSize < 1 || !fn.SQS[0].ReportBatchItemFailures ||
		fn.SQS[0].MaximumConcurrency != conc || conc == 0 {
		t.Errorf("noticeworker SQS events = %+v; want NoticesQueue, ReportBatchItemFailures, the concurrency parameter's default", fn.SQS)
	}
	mq, mfn := tpl.Queues["NoticeMailsQueue"], tpl.Functions["noticemails"]
	mconc, _ := strconv.Atoi(*tpl.Parameters["NoticeMailConcurrency"])
	if mq.DeadLetter != "NoticeMailsDeadLetterQueue" || mq.MaxReceiveCount != 5 || mq.VisibilityTimeout < 6*mfn.Timeout || mfn.Timeout == 0 {
		t.Errorf("NoticeMailsQueue = %+v, noticemails timeout %d s; want a DLQ after 5 receives and a visibility of at least 6 timeouts", mq, mfn.Timeout)
	}
	if _, ok := tpl.Queues["NoticeMailsDeadLetterQueue"]; !ok {
		t.Error("no NoticeMailsDeadLetterQueue")
	}
	if len(mfn.SQS) != 1 || mfn.SQS[0].Queue != "NoticeMailsQueue" || mfn.SQS[0].BatchSize != 10 || !mfn.SQS[0].ReportBatchItemFailures ||
		mfn.SQS[0].MaximumConcurrency != mconc || mconc < 2 {
		t.Errorf("noticemails SQS events = %+v; want NoticeMailsQueue, 10 a batch, ReportBatchItemFailures, the concurrency parameter's default (at least 2)", mfn.SQS)
	}
	if other := tpl.Functions["import"]; other.Timeout == 0 || len(other.SQS) != 0 {
		t.Errorf("import: timeout %d (want the globals'), SQS %+v (want none)", other.Timeout, other.SQS)
	}
}

func TestTemplateSQSForms(t *testing.T) {
	yaml := `Parameters:
  Conc: {Type: Number, Default: 7}
  Vis: {Type: Number, Default: 90}
Globals:
  Function: {Timeout: 15}
Resources:
  Dead: {Type: AWS::SQS::Queue}
  Work:
    Type: AWS::SQS::Queue
    Properties:
      VisibilityTimeout: !Ref Vis
      RedrivePolicy: {deadLetterTargetArn: {"Fn::GetAtt": [Dead, Arn]}, maxReceiveCount: 3}
  Plain: {Type: AWS::SQS::Queue}
  ToyFunction:
    Type: AWS::Serverless::Function
    Properties:
      Events:
        A: {Type: SQS, Properties: {Queue: !GetAtt Work.Arn, ScalingConfig: {MaximumConcurrency: !Ref Conc}}}
        B: {Type: SQS, Properties: {Queue: !GetAtt [Plain, Arn], BatchSize: 100, MaximumBatchingWindowInSeconds: 2, FunctionResponseTypes: [ReportBatchItemFailures]}}
`
	path := filepath.Join(t.TempDir(), "template.yaml")
	if err := os.WriteFile(path, []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	tpl, err := LoadTemplate(path)
	if err != nil {
		t.Fatal(err)
	}
	if w := tpl.Queues["Work"]; w.VisibilityTimeout != 90 || w.DeadLetter != "Dead" || w.MaxReceiveCount != 3 {
		t.Errorf("Work = %+v", w)
	}
	if p := tpl.Queues["Plain"]; p.VisibilityTimeout != 30 || p.DeadLetter != "" {
		t.Errorf("Plain = %+v; want SQS's default visibility 30 s and no DLQ", p)
	}
	fn := tpl.Functions["toy"]
	want := []SQSTrigger{{Queue: "Work", BatchSize: 10, MaximumConcurrency: 7},
		{Queue: "Plain", BatchSize: 100, BatchingWindow: 2, ReportBatchItemFailures: true}}
	if fn.Timeout != 15 || len(fn.SQS) != 2 || fn.SQS[0] != want[0] || fn.SQS[1] != want[1] {
		t.Errorf("toy = timeout %d, %+v; want 15 and %+v", fn.Timeout, fn.SQS, want)
	}
	bad := yaml + "  Broken:\n    Type: AWS::SQS::Queue\n    Properties: {RedrivePolicy: {maxReceiveCount: 3}}\n"
	if err := os.WriteFile(path, []byte(bad), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadTemplate(path); err == nil {
		t.Error("a redrive policy without its target was accepted")
	}
}
