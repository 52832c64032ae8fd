package localstack

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"sort"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// Tables as files, in DynamoDB JSON ({"S": …}, {"N": …}, {"BOOL": …}), the
// form `aws dynamodb scan` prints: fixtures of data written by an earlier
// version of the portal (shared/dynamo/testdata) are dumped and loaded with
// these. Development and test tooling only: the dump is a Scan.

// TableDump is a table's items in DynamoDB JSON, sorted by PK then SK.
type TableDump struct {
	Items []map[string]any `json:"Items"`
}

// DumpItems reads every item of the table (a paginated, strongly
// consistent Scan) with every attribute and returns them as a TableDump
// filtered by keep (nil keeps all), indented.
func DumpItems(ctx context.Context, db *dynamodb.Client, table string, keep func(pk, sk string) bool) ([]byte, error) {
	p := dynamodb.NewScanPaginator(db, &dynamodb.ScanInput{TableName: &table, ConsistentRead: aws.Bool(true)})
	var items []map[string]types.AttributeValue
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("scan %s: %w", table, err)
		}
		for _, it := range page.Items {
			pk, _ := it["PK"].(*types.AttributeValueMemberS)
			sk, _ := it["SK"].(*types.AttributeValueMemberS)
			if keep == nil || (pk != nil && sk != nil && keep(pk.Value, sk.Value)) {
				items = append(items, it)
			}
		}
	}
	key := func(it map[string]types.AttributeValue) string {
		pk, _ := it["PK"].(*types.AttributeValueMemberS)
		sk, _ := it["SK"].(*types.AttributeValueMemberS)
		return pk.Value + "\x00" + sk.Value
	}
	sort.Slice(items, func(i, j int) bool { return key(items[i]) < key(items[j]) })
	d := TableDump{Items: make([]map[string]any, len(items))}
	for i, it := range items {
		m, err := avJSON(&types.AttributeValueMemberM{Value: it})
		if err != nil {
			return nil, err
		}
		d.Items[i] = m["M"].(map[string]any)
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", " ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(d); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// ParseDump decodes a TableDump into items.
func ParseDump(data []byte) ([]map[string]types.AttributeValue, error) {
	var d struct {
		Items []map[string]json.RawMessage `json:"Items"`
	}
	if err := json.Unmarshal(data, &d); err != nil {
		return nil, fmt.Errorf("decode dump: %w", err)
	}
	out := make([]map[string]types.AttributeValue, len(d.Items))
	for i, raw := range d.Items {
		it := map[string]types.AttributeValue{}
		for k, v := range raw {
			av, err := jsonAV(v)
			if err != nil {
				return nil, fmt.Errorf("item %d, %s: %w", i, k, err)
			}
			it[k] = av
		}
		out[i] = it
	}
	return out, nil
}

// LoadItems puts every item of a TableDump into the table, as it is.
func LoadItems(ctx context.Context, db *dynamodb.Client, table string, data []byte) (int, error) {
	items, err := ParseDump(data)
	if err != nil {
		return 0, err
	}
	for _, it := range items {
		if _, err := db.PutItem(ctx, &dynamodb.PutItemInput{TableName: &table, Item: it}); err != nil {
			return 0, fmt.Errorf("put into %s: %w", table, err)
		}
	}
	return len(items), nil
}

func avJSON(av types.AttributeValue) (map[string]any, error) {
	switch v := av.(type) {
	case *types.AttributeValueMemberS:
		return map[string]any{"S": v.Value}, nil
	case *types.AttributeValueMemberN:
		return map[string]any{"N": v.Value}, nil
	case *types.AttributeValueMemberBOOL:
		return map[string]any{"BOOL": v.Value}, nil
	case *types.AttributeValueMemberNULL:
		return map[string]any{"NULL": true}, nil
	case *types.AttributeValueMemberB:
		return map[string]any{"B": base64.StdEncoding.EncodeToString(v.Value)}, nil
	case *types.AttributeValueMemberSS:
		return map[string]any{"SS": v.Value}, nil
	case *types.AttributeValueMemberNS:
		return map[string]any{"NS": v.Value}, nil
	case *types.AttributeValueMemberL:
		l := make([]any, len(v.Value))
		for i, e := range v.Value {
			j, err := avJSON(e)
			if err != nil {
				return nil, err
			}
			l[i] = j
		}
		return map[string]any{"L": l}, nil
	case *types.AttributeValueMemberM:
		m := map[string]any{}
		for k, e := range v.Value {
			j, err := avJSON(e)
			if err != nil {
				return nil, err
			}
			m[k] = j
		}
		return map[string]any{"M": m}, nil
	}
	return nil, fmt.Errorf("attribute value %T not supported", av)
}

func jsonAV(raw json.RawMessage) (types.AttributeValue, error) {
	var one map[string]json.RawMessage
	if err := json.Unmarshal(raw, &one); err != nil || len(one) != 1 {
		return nil, fmt.Errorf("not one typed DynamoDB JSON value: %s", raw)
	}
	for t, v := range one {
		switch t {
		case "S", "N", "B":
			var s string
			if err := json.Unmarshal(v, &s); err != nil {
				return nil, err
			}
			switch t {
			case "S":
				return &types.AttributeValueMemberS{Value: s}, nil
			case "N":
				return &types.AttributeValueMemberN{Value: s}, nil
			}
			b, err := base64.StdEncoding.DecodeString(s)
			if err != nil {
				return nil, err
			}
			return &types.AttributeValueMemberB{Value: b}, nil
		case "BOOL":
			var b bool
			if err := json.Unmarshal(v, &b); err != nil {
				return nil, err
			}
			return &types.AttributeValueMemberBOOL{Value: b}, nil
		case "NULL":
			return &types.AttributeValueMemberNULL{Value: true}, nil
		case "SS", "NS":
			var ss []string
			if err := json.Unmarshal(v, &ss); err != nil {
				return nil, err
			}
			if t == "SS" {
				return &types.AttributeValueMemberSS{Value: ss}, nil
			}
			return &types.AttributeValueMemberNS{Value: ss}, nil
		case "L":
			var l []json.RawMessage
			if err := json.Unmarshal(v, &l); err != nil {
				return nil, err
			}
			out := make([]types.AttributeValue, len(l))
			for i, e := range l {
				av, err := jsonAV(e)
				if err != nil {
					return nil, err
				}
				out[i] = av
			}
			return &types.AttributeValueMemberL{Value: out}, nil
		case "M":
			var m map[string]json.RawMessage
			if err := json.Unmarshal(v, &m); err != nil {
				return nil, err
			}
			out := map[string]types.AttributeValue{}
			for k, e := range m {
				av, err := jsonAV(e)
				if err != nil {
					return nil, err
				}
				out[k] = av
			}
			return &types.AttributeValueMemberM{Value: out}, nil
		}
		return nil, fmt.Errorf("type %q not supported", t)
	}
	return nil, nil
}

// DynamoDBClient is a client of the stack's DynamoDB emulator.
func (s *Stack) DynamoDBClient() *dynamodb.Client { return dynamoClient(s.Endpoints["DYNAMODB"]) }
