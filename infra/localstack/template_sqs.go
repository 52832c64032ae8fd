package localstack

import (
	"fmt"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// Queue is an AWS::SQS::Queue of the template, with what the local event
// source needs.
type Queue struct {
	LogicalID string
	// VisibilityTimeout in seconds (SQS's default 30 when absent).
	VisibilityTimeout int
	// DeadLetter is the logical id of the RedrivePolicy's target queue, and
	// MaxReceiveCount its maxReceiveCount; empty and 0 without a policy.
	DeadLetter      string
	MaxReceiveCount int
}

// SQSTrigger is an SQS event of a function: its event source mapping.
type SQSTrigger struct {
	Queue string // logical id
	// BatchSize is at most how many messages an invocation gets (default 10).
	BatchSize int
	// ReportBatchItemFailures is FunctionResponseTypes
	// [ReportBatchItemFailures]: the function answers which messages
	// failed, and only those come back.
	ReportBatchItemFailures bool
	// MaximumConcurrency is ScalingConfig.MaximumConcurrency; 0 when unset.
	MaximumConcurrency int
	// BatchingWindow is MaximumBatchingWindowInSeconds.
	BatchingWindow int
}

func queueOf(doc *yaml.Node, id string, props *yaml.Node) (Queue, error) {
	q := Queue{LogicalID: id, VisibilityTimeout: 30}
	if n, ok := intOf(doc, get(props, "VisibilityTimeout")); ok {
		q.VisibilityTimeout = n
	} else if get(props, "VisibilityTimeout") != nil {
		return q, fmt.Errorf("queue %s: VisibilityTimeout is not a number the local stack can read", id)
	}
	if rp := get(props, "RedrivePolicy"); rp != nil {
		q.DeadLetter = refOf(get(rp, "deadLetterTargetArn"))
		n, ok := intOf(doc, get(rp, "maxReceiveCount"))
		if q.DeadLetter == "" || !ok || n < 1 {
			return q, fmt.Errorf("queue %s: RedrivePolicy needs deadLetterTargetArn (!GetAtt <queue>.Arn) and maxReceiveCount", id)
		}
		q.MaxReceiveCount = n
	}
	return q, nil
}

func sqsTriggerOf(doc *yaml.Node, fn string, props *yaml.Node) (SQSTrigger, error) {
	tr := SQSTrigger{Queue: refOf(get(props, "Queue")), BatchSize: 10}
	if tr.Queue == "" {
		return tr, fmt.Errorf("%s: SQS event needs Queue: !GetAtt <queue>.Arn", fn)
	}
	if n, ok := intOf(doc, get(props, "BatchSize")); ok {
		tr.BatchSize = n
	}
	if n, ok := intOf(doc, get(props, "MaximumBatchingWindowInSeconds")); ok {
		tr.BatchingWindow = n
	}
	if n, ok := intOf(doc, get(props, "ScalingConfig", "MaximumConcurrency")); ok {
		tr.MaximumConcurrency = n
	} else if get(props, "ScalingConfig", "MaximumConcurrency") != nil {
		return tr, fmt.Errorf("%s: ScalingConfig.MaximumConcurrency is not a number the local stack can read", fn)
	}
	if types := get(props, "FunctionResponseTypes"); types != nil {
		for _, t := range types.Content {
			tr.ReportBatchItemFailures = tr.ReportBatchItemFailures || t.Value == "ReportBatchItemFailures"
		}
	}
	return tr, nil
}

// intOf reads a number written as is or as !Ref to a parameter with a
// Default.
func intOf(doc, n *yaml.Node) (int, bool) {
	if n == nil {
		return 0, false
	}
	v := n.Value
	if n.Tag == "!Ref" {
		d := get(doc, "Parameters", n.Value, "Default")
		if d == nil {
			return 0, false
		}
		v = d.Value
	} else if n.Kind != yaml.ScalarNode || (strings.HasPrefix(n.Tag, "!") && !strings.HasPrefix(n.Tag, "!!")) {
		return 0, false
	}
	i, err := strconv.Atoi(v)
	return i, err == nil
}

// refOf is the logical id a queue's ARN names: !GetAtt X.Arn,
// Fn::GetAtt [X, Arn], or !Ref X.
func refOf(n *yaml.Node) string {
	switch {
	case n == nil:
		return ""
	case n.Tag == "!GetAtt" && n.Kind == yaml.ScalarNode:
		id, _, _ := strings.Cut(n.Value, ".")
		return id
	case n.Tag == "!GetAtt" && n.Kind == yaml.SequenceNode && len(n.Content) > 0:
		return n.Content[0].Value
	case n.Tag == "!Ref":
		return n.Value
	}
	if ga := get(n, "Fn::GetAtt"); ga != nil && ga.Kind == yaml.SequenceNode && len(ga.Content) > 0 {
		return ga.Content[0].Value
	}
	return ""
}
