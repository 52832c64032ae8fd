package localstack

import (
	"fmt"
	"os"
	"sort"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"gopkg.in/yaml.v3"
)

// Template is what the local stack takes from template.yaml: the tables and
// buckets to create, and each function's routes and environment. Reading
// them from the template keeps one list of routes and resources.
type Template struct {
	Tables    map[string]*dynamodb.CreateTableInput // by logical id, used as the local table name
	Buckets   []string                              // logical ids
	Functions map[string]Function                   // by function name (logical id less "Function", lower case)
	Queues    map[string]Queue                      // by logical id, used as the local queue name
	// Parameters holds the defaults of the parameters that have one.
	Parameters map[string]*string
	// CORS holds each bucket's CORS rules, by local bucket name.
	CORS map[string][]CORSRule
}

// Function is one AWS::Serverless::Function.
type Function struct {
	LogicalID string
	Routes    []Route
	// S3 lists the function's S3 triggers; Streams the tables whose streams
	// invoke it.
	S3      []S3Trigger
	Streams []string
	// SQS lists the queues whose event source mapping invokes it;
	// Timeout is its timeout in seconds (its own or the globals').
	SQS     []SQSTrigger
	Timeout int
	// Env holds the function's variables (globals and its own), each either
	// a literal or the logical id it refers to with !Ref.
	Env map[string]EnvValue
}

// S3Trigger is an S3 event: objects created in Bucket (a logical id) whose
// key has Prefix and Suffix.
type S3Trigger struct {
	Bucket, Prefix, Suffix string
}

// Route is an HttpApi event.
type Route struct {
	Method string
	Path   string
}

// EnvValue is an environment variable as the template writes it.
type EnvValue struct {
	Literal string
	Ref     string // the name after !Ref
	Other   bool   // an intrinsic the local stack does not evaluate (!If, !Sub...)
}

// LoadTemplate reads a SAM template.
func LoadTemplate(path string) (*Template, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var root yaml.Node
	if err := yaml.Unmarshal(b, &root); err != nil {
		return nil, fmt.Errorf("parse %s: %w", path, err)
	}
	if len(root.Content) == 0 {
		return nil, fmt.Errorf("%s is empty", path)
	}
	doc := root.Content[0]
	t := &Template{Tables: map[string]*dynamodb.CreateTableInput{}, Functions: map[string]Function{}, Queues: map[string]Queue{},
		CORS: map[string][]CORSRule{}}
	globalEnv := envOf(get(doc, "Globals", "Function", "Environment", "Variables"))
	globalTimeout, _ := intOf(doc, get(doc, "Globals", "Function", "Timeout"))
	t.Parameters = map[string]*string{}
	if params := get(doc, "Parameters"); params != nil {
		for i := 0; i+1 < len(params.Content); i += 2 {
			if d := get(params.Content[i+1], "Default"); d != nil && d.Kind == yaml.ScalarNode {
				t.Parameters[params.Content[i].Value] = &d.Value
			}
		}
	}

	resources := get(doc, "Resources")
	if resources == nil {
		return nil, fmt.Errorf("%s has no Resources", path)
	}
	for i := 0; i+1 < len(resources.Content); i += 2 {
		id, res := resources.Content[i].Value, resources.Content[i+1]
		props := get(res, "Properties")
		switch typ := get(res, "Type"); {
		case typ == nil:
			return nil, fmt.Errorf("resource %s has no Type", id)
		case typ.Value == "AWS::DynamoDB::Table":
			in, err := tableOf(id, props)
			if err != nil {
				return nil, err
			}
			t.Tables[id] = in
		case typ.Value == "AWS::S3::Bucket":
			t.Buckets = append(t.Buckets, id)
			if rules := corsRulesOf(props); len(rules) > 0 {
				t.CORS[BucketName(id)] = rules
			}
		case typ.Value == "AWS::SQS::Queue":
			q, err := queueOf(doc, id, props)
			if err != nil {
				return nil, err
			}
			t.Queues[id] = q
		case typ.Value == "AWS::Serverless::Function":
			name := strings.ToLower(strings.TrimSuffix(id, "Function"))
			fn := Function{LogicalID: id, Env: map[string]EnvValue{}, Timeout: globalTimeout}
			if n, ok := intOf(doc, get(props, "Timeout")); ok {
				fn.Timeout = n
			}
			for k, v := range globalEnv {
				fn.Env[k] = v
			}
			for k, v := range envOf(get(props, "Environment", "Variables")) {
				fn.Env[k] = v
			}
			events := get(props, "Events")
			for j := 0; events != nil && j+1 < len(events.Content); j += 2 {
				ev := events.Content[j+1]
				tv := get(ev, "Type")
				switch {
				case tv == nil:
					continue
				case tv.Value == "S3":
					tr := S3Trigger{}
					if b := get(ev, "Properties", "Bucket"); b != nil {
						tr.Bucket = b.Value
					}
					rules := get(ev, "Properties", "Filter", "S3Key", "Rules")
					for k := 0; rules != nil && k < len(rules.Content); k++ {
						n, v := get(rules.Content[k], "Name"), get(rules.Content[k], "Value")
						if n != nil && v != nil && n.Value == "prefix" {
							tr.Prefix = v.Value
						} else if n != nil && v != nil && n.Value == "suffix" {
							tr.Suffix = v.Value
						}
					}
					fn.S3 = append(fn.S3, tr)
					continue
				case tv.Value == "SQS":
					tr, err := sqsTriggerOf(doc, id, get(ev, "Properties"))
					if err != nil {
						return nil, err
					}
					fn.SQS = append(fn.SQS, tr)
					continue
				case tv.Value == "DynamoDB":
					if st := get(ev, "Properties", "Stream"); st != nil {
						table, _, _ := strings.Cut(st.Value, ".")
						fn.Streams = append(fn.Streams, table)
					}
					continue
				case tv.Value != "HttpApi":
					continue
				}
				m, p := get(ev, "Properties", "Method"), get(ev, "Properties", "Path")
				if m == nil || p == nil {
					return nil, fmt.Errorf("%s: HttpApi event %s needs Method and Path", id, events.Content[j].Value)
				}
				fn.Routes = append(fn.Routes, Route{Method: strings.ToUpper(m.Value), Path: p.Value})
			}
			t.Functions[name] = fn
		}
	}
	sort.Strings(t.Buckets)
	return t, nil
}

// get follows mapping keys from n; nil when one is missing.
func get(n *yaml.Node, keys ...string) *yaml.Node {
	for _, k := range keys {
		if n == nil || n.Kind != yaml.MappingNode {
			return nil
		}
		var next *yaml.Node
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == k {
				next = n.Content[i+1]
				break
			}
		}
		n = next
	}
	return n
}

func envOf(vars *yaml.Node) map[string]EnvValue {
	env := map[string]EnvValue{}
	for i := 0; vars != nil && i+1 < len(vars.Content); i += 2 {
		k, v := vars.Content[i].Value, vars.Content[i+1]
		switch {
		case v.Tag == "!Ref":
			env[k] = EnvValue{Ref: v.Value}
		case v.Kind == yaml.ScalarNode && (!strings.HasPrefix(v.Tag, "!") || strings.HasPrefix(v.Tag, "!!")): // plain or quoted
			env[k] = EnvValue{Literal: v.Value}
		default:
			env[k] = EnvValue{Other: true}
		}
	}
	return env
}

// tableOf turns a table's properties into the CreateTable call that makes
// the same table.
type keyDef struct {
	AttributeName string `yaml:"AttributeName"`
	KeyType       string `yaml:"KeyType"`
}

type attrDef struct {
	AttributeName string `yaml:"AttributeName"`
	AttributeType string `yaml:"AttributeType"`
}

func tableOf(id string, props *yaml.Node) (*dynamodb.CreateTableInput, error) {
	var p struct {
		AttributeDefinitions   []attrDef `yaml:"AttributeDefinitions"`
		KeySchema              []keyDef  `yaml:"KeySchema"`
		GlobalSecondaryIndexes []struct {
			IndexName  string   `yaml:"IndexName"`
			KeySchema  []keyDef `yaml:"KeySchema"`
			Projection struct {
				ProjectionType   string   `yaml:"ProjectionType"`
				NonKeyAttributes []string `yaml:"NonKeyAttributes"`
			} `yaml:"Projection"`
		} `yaml:"GlobalSecondaryIndexes"`
	}
	if props == nil {
		return nil, fmt.Errorf("table %s has no Properties", id)
	}
	if err := props.Decode(&p); err != nil {
		return nil, fmt.Errorf("table %s: %w", id, err)
	}
	keys := func(ks []keyDef) []types.KeySchemaElement {
		var out []types.KeySchemaElement
		for _, k := range ks {
			out = append(out, types.KeySchemaElement{AttributeName: &k.AttributeName, KeyType: types.KeyType(k.KeyType)})
		}
		return out
	}
	in := &dynamodb.CreateTableInput{TableName: &id, BillingMode: types.BillingModePayPerRequest, KeySchema: keys(p.KeySchema)}
	for _, a := range p.AttributeDefinitions {
		in.AttributeDefinitions = append(in.AttributeDefinitions, types.AttributeDefinition{
			AttributeName: &a.AttributeName, AttributeType: types.ScalarAttributeType(a.AttributeType)})
	}
	for _, g := range p.GlobalSecondaryIndexes {
		in.GlobalSecondaryIndexes = append(in.GlobalSecondaryIndexes, types.GlobalSecondaryIndex{
			IndexName: &g.IndexName, KeySchema: keys(g.KeySchema),
			Projection: &types.Projection{ProjectionType: types.ProjectionType(g.Projection.ProjectionType),
				NonKeyAttributes: g.Projection.NonKeyAttributes}})
	}
	if len(in.KeySchema) == 0 {
		return nil, fmt.Errorf("table %s has no KeySchema", id)
	}
	return in, nil
}
