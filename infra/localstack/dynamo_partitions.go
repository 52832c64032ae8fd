package localstack

import (
	"bytes"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"math/big"
	"net/http"
	"net/http/httptest"
	"regexp"
	"sort"
	"strings"
	"sync"

	"github.com/truora/minidyn/server"
)

// partitionedDynamo is the DynamoDB emulator for runs at scale
// (Options.DynamoDBPartitions): minidyn instances, each holding the items
// of a bucket of partition keys. One minidyn reads every item of a table
// on each Query and copies the table on each transaction, so that a run
// over N leases takes time in N²; DynamoDB keeps each partition key apart.
// infra/bench serves its import with it too (NewPartitionedDynamoDB).
//
// Every call on one partition key goes to its instance. A Query on an
// index asks every instance and merges the items in the index's order
// (then the table's keys), with Limit and ExclusiveStartKey applied to the
// merge. A transaction runs under the locks of its instances (which single
// calls share): the items are read, each action runs as the single-item
// call it is (minidyn's own transaction copies an instance's whole table),
// and if any condition fails, what the others did is undone from the items
// read, and the answer is one TransactionCanceledException with every
// item's reason in the request's order. Scans are refused (the code has
// none). A Query on an index asks only the instances that may hold its
// partition key value (indexHolders).
type partitionedDynamo struct {
	n int

	mu     sync.Mutex
	insts  map[int]*dynInstance
	tables [][]byte // CreateTable requests, replayed on each new instance
	schema map[string]*tableSchema

	holdersMu sync.Mutex
	holders   map[string]*indexHolders // by an index's partition key attribute
}

// dynInstance is one minidyn, safe for concurrent calls itself; its lock
// is shared by single calls and taken whole by a transaction over
// several instances, which no call may see half done.
type dynInstance struct {
	mu  sync.RWMutex
	srv *server.Server
}

type keyPair struct{ hash, rng string }

type tableSchema struct {
	key     keyPair
	indexes map[string]keyPair
	types   map[string]string // attribute → S, N or B
}

func newPartitionedDynamo(n int) *partitionedDynamo {
	return &partitionedDynamo{n: n, insts: map[int]*dynInstance{}, schema: map[string]*tableSchema{}, holders: map[string]*indexHolders{}}
}

// NewPartitionedDynamoDB is the partitioned emulator over n minidyn
// instances (n > 0) as an HTTP handler, with the X-Amz-Crc32 header the
// SDK checks, as the local stack serves it when Options.DynamoDBPartitions
// is n. It starts with no table; an instance is made on its first call.
func NewPartitionedDynamoDB(n int) http.Handler {
	return withCRC32(newPartitionedDynamo(n))
}

type dynError struct {
	status int
	typ    string
	msg    string
}

func (e *dynError) Error() string { return e.typ + ": " + e.msg }

func dynInvalid(format string, args ...any) *dynError {
	return &dynError{status: http.StatusBadRequest, typ: "ValidationException", msg: "local emulator: " + fmt.Sprintf(format, args...)}
}

func (p *partitionedDynamo) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body := new(bytes.Buffer)
	if _, err := body.ReadFrom(r.Body); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	op := r.Header.Get("X-Amz-Target")
	if i := strings.LastIndexByte(op, '.'); i >= 0 {
		op = op[i+1:]
	}
	status, out, err := p.serve(op, body.Bytes())
	if de, ok := err.(*dynError); ok {
		status = de.status
		out, _ = json.Marshal(map[string]string{"__type": "com.amazonaws.dynamodb.v20120810#" + de.typ, "message": de.msg})
	} else if err != nil {
		status = http.StatusInternalServerError
		out, _ = json.Marshal(map[string]string{"__type": "com.amazonaws.dynamodb.v20120810#InternalServerError", "message": err.Error()})
	}
	w.Header().Set("Content-Type", "application/x-amz-json-1.0")
	w.WriteHeader(status)
	w.Write(out)
}

// call runs one request on one instance, under its lock unless held.
func (p *partitionedDynamo) call(i int, op string, body []byte, locked bool) (int, []byte) {
	switch op {
	case "GetItem", "Query", "BatchGetItem", "TransactGetItems", "CreateTable", "DescribeTable", "ListTables", "DescribeTimeToLive":
	default:
		p.noteHolders(i, op, body) // before the write: no query misses it
	}
	in := p.inst(i)
	if !locked {
		in.mu.RLock()
		defer in.mu.RUnlock()
	}
	req, _ := http.NewRequest(http.MethodPost, "/", bytes.NewReader(body))
	req.Header.Set("X-Amz-Target", "DynamoDB_20120810."+op)
	req.Header.Set("Content-Type", "application/x-amz-json-1.0")
	rec := httptest.NewRecorder()
	in.srv.ServeHTTP(rec, req)
	return rec.Code, rec.Body.Bytes()
}

func (p *partitionedDynamo) inst(i int) *dynInstance {
	p.mu.Lock()
	defer p.mu.Unlock()
	in := p.insts[i]
	if in == nil {
		in = &dynInstance{srv: server.NewServer()}
		for _, t := range p.tables {
			p.callNew(in, t)
		}
		p.insts[i] = in
	}
	return in
}

func (p *partitionedDynamo) callNew(in *dynInstance, body []byte) (int, []byte) {
	req, _ := http.NewRequest(http.MethodPost, "/", bytes.NewReader(body))
	req.Header.Set("X-Amz-Target", "DynamoDB_20120810.CreateTable")
	rec := httptest.NewRecorder()
	in.srv.ServeHTTP(rec, req)
	return rec.Code, rec.Body.Bytes()
}

type attrMap = map[string]json.RawMessage

// of is the instance of a partition key value.
func (p *partitionedDynamo) of(v json.RawMessage) int {
	h := fnv.New64a()
	h.Write(v)
	return int(h.Sum64() % uint64(p.n))
}

func (p *partitionedDynamo) table(name string) (*tableSchema, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	t, ok := p.schema[name]
	if !ok {
		return nil, &dynError{status: http.StatusBadRequest, typ: "ResourceNotFoundException", msg: "Cannot do operations on a non-existent table"}
	}
	return t, nil
}

// keyOf is an item's or key's table key, and its instance.
func (p *partitionedDynamo) keyOf(table string, item attrMap) (attrMap, int, error) {
	t, err := p.table(table)
	if err != nil {
		return nil, 0, err
	}
	hv, ok := item[t.key.hash]
	if !ok {
		return nil, 0, dynInvalid("the key has no %s", t.key.hash)
	}
	k := attrMap{t.key.hash: hv}
	if t.key.rng != "" {
		k[t.key.rng] = item[t.key.rng]
	}
	return k, p.of(hv), nil
}

var hashCondition = regexp.MustCompile(`(#?[A-Za-z0-9_]+)\s*=\s*(:[A-Za-z0-9_]+)`)

func (p *partitionedDynamo) serve(op string, body []byte) (int, []byte, error) {
	switch op {
	case "CreateTable":
		return p.createTable(body)
	case "DescribeTable", "ListTables", "UpdateTable", "DescribeTimeToLive", "UpdateTimeToLive":
		status, out := p.call(0, op, body, false)
		return status, out, nil
	case "GetItem", "DeleteItem", "UpdateItem", "PutItem":
		var in struct {
			TableName string
			Key, Item attrMap
		}
		if err := json.Unmarshal(body, &in); err != nil {
			return 0, nil, dynInvalid("%v", err)
		}
		k := in.Key
		if op == "PutItem" {
			k = in.Item
		}
		_, i, err := p.keyOf(in.TableName, k)
		if err != nil {
			return 0, nil, err
		}
		status, out := p.call(i, op, body, false)
		return status, out, nil
	case "Query":
		return p.query(body)
	case "BatchGetItem":
		return p.batchGet(body)
	case "BatchWriteItem":
		return p.batchWrite(body)
	case "TransactWriteItems":
		return p.transactWrite(body)
	case "TransactGetItems":
		return p.transactGet(body)
	}
	return 0, nil, dynInvalid("operation %q is not served", op)
}

func (p *partitionedDynamo) createTable(body []byte) (int, []byte, error) {
	var in struct {
		TableName              string
		KeySchema              []struct{ AttributeName, KeyType string }
		AttributeDefinitions   []struct{ AttributeName, AttributeType string }
		GlobalSecondaryIndexes []struct {
			IndexName string
			KeySchema []struct{ AttributeName, KeyType string }
		}
	}
	if err := json.Unmarshal(body, &in); err != nil {
		return 0, nil, dynInvalid("%v", err)
	}
	keys := func(ks []struct{ AttributeName, KeyType string }) keyPair {
		var k keyPair
		for _, x := range ks {
			if x.KeyType == "HASH" {
				k.hash = x.AttributeName
			} else {
				k.rng = x.AttributeName
			}
		}
		return k
	}
	t := &tableSchema{key: keys(in.KeySchema), indexes: map[string]keyPair{}, types: map[string]string{}}
	for _, g := range in.GlobalSecondaryIndexes {
		t.indexes[g.IndexName] = keys(g.KeySchema)
	}
	p.holdersMu.Lock()
	for _, ix := range t.indexes {
		if p.holders[ix.hash] == nil {
			p.holders[ix.hash] = &indexHolders{byValue: map[string]map[int]bool{}, any: map[int]bool{}}
		}
	}
	p.holdersMu.Unlock()
	for _, a := range in.AttributeDefinitions {
		t.types[a.AttributeName] = a.AttributeType
	}
	status, out := p.call(0, "CreateTable", body, false)
	if status != http.StatusOK {
		return status, out, nil
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	for i, in := range p.insts {
		if i != 0 {
			p.callNew(in, body)
		}
	}
	p.tables = append(p.tables, body)
	p.schema[in.TableName] = t
	return status, out, nil
}

func (p *partitionedDynamo) query(body []byte) (int, []byte, error) {
	var in struct {
		TableName                 string
		IndexName                 string
		KeyConditionExpression    string
		ExpressionAttributeNames  map[string]string
		ExpressionAttributeValues map[string]json.RawMessage
		Limit                     int
		ExclusiveStartKey         attrMap
		ScanIndexForward          *bool
		Select                    string
	}
	if err := json.Unmarshal(body, &in); err != nil {
		return 0, nil, dynInvalid("%v", err)
	}
	t, err := p.table(in.TableName)
	if err != nil {
		return 0, nil, err
	}
	if in.IndexName == "" {
		for _, m := range hashCondition.FindAllStringSubmatch(in.KeyConditionExpression, -1) {
			name := m[1]
			if n, ok := in.ExpressionAttributeNames[name]; ok {
				name = n
			}
			if name == t.key.hash {
				v, ok := in.ExpressionAttributeValues[m[2]]
				if !ok {
					return 0, nil, dynInvalid("no value for %s", m[2])
				}
				status, out := p.call(p.of(v), "Query", body, false)
				return status, out, nil
			}
		}
		return 0, nil, dynInvalid("no condition on the partition key in %q", in.KeyConditionExpression)
	}
	ix, ok := t.indexes[in.IndexName]
	if !ok {
		return 0, nil, dynInvalid("no index %s", in.IndexName)
	}
	// Every instance, without the page's bounds; the merge applies them.
	var raw map[string]json.RawMessage
	json.Unmarshal(body, &raw)
	delete(raw, "Limit")
	delete(raw, "ExclusiveStartKey")
	all, _ := json.Marshal(raw)
	ids := p.indexInstances(ix, in.KeyConditionExpression, in.ExpressionAttributeNames, in.ExpressionAttributeValues)
	var items []attrMap
	count, scanned := 0, 0
	for _, i := range ids {
		status, out := p.call(i, "Query", all, false)
		if status != http.StatusOK {
			return status, out, nil
		}
		var res struct {
			Items        []attrMap
			Count        int
			ScannedCount int
		}
		if err := json.Unmarshal(out, &res); err != nil {
			return 0, nil, err
		}
		items = append(items, res.Items...)
		count += res.Count
		scanned += res.ScannedCount
	}
	order := []string{ix.rng, t.key.hash, t.key.rng}
	less := func(a, b attrMap) int {
		for _, k := range order {
			if k == "" {
				continue
			}
			if c := compareValue(a[k], b[k]); c != 0 {
				return c
			}
		}
		return 0
	}
	desc := in.ScanIndexForward != nil && !*in.ScanIndexForward
	sort.SliceStable(items, func(i, j int) bool {
		c := less(items[i], items[j])
		if desc {
			return c > 0
		}
		return c < 0
	})
	if in.ExclusiveStartKey != nil {
		start := 0
		for start < len(items) {
			c := less(items[start], in.ExclusiveStartKey)
			if (desc && c < 0) || (!desc && c > 0) {
				break
			}
			start++
		}
		items = items[start:]
	}
	res := map[string]any{}
	if in.Limit > 0 && len(items) > in.Limit {
		items = items[:in.Limit]
		last := items[len(items)-1]
		lek := attrMap{}
		for _, k := range []string{ix.hash, ix.rng, t.key.hash, t.key.rng} {
			if v, ok := last[k]; ok && k != "" {
				lek[k] = v
			}
		}
		res["LastEvaluatedKey"] = lek
	}
	if in.Select == "COUNT" {
		res["Count"], res["ScannedCount"] = count, scanned
	} else {
		if items == nil {
			items = []attrMap{}
		}
		res["Items"], res["Count"], res["ScannedCount"] = items, len(items), scanned
	}
	out, err := json.Marshal(res)
	return http.StatusOK, out, err
}

// compareValue orders two key values: strings and binaries bytewise,
// numbers by value; a missing value first.
func compareValue(a, b json.RawMessage) int {
	var va, vb map[string]string
	json.Unmarshal(a, &va)
	json.Unmarshal(b, &vb)
	if na, ok := va["N"]; ok {
		x, _ := new(big.Float).SetString(na)
		y, _ := new(big.Float).SetString(vb["N"])
		if x != nil && y != nil {
			return x.Cmp(y)
		}
	}
	sa, sb := va["S"]+va["B"], vb["S"]+vb["B"]
	return strings.Compare(sa, sb)
}

// txItem is one action of a transaction, with its place and instance.
type txItem struct {
	pos    int
	kind   string          // Put, Update, Delete or ConditionCheck
	inner  json.RawMessage // the action's members
	raw    json.RawMessage
	table  string
	key    attrMap
	inst   int
	before json.RawMessage // the item before, or nil
}

func (p *partitionedDynamo) transactItems(body []byte) ([]txItem, error) {
	var in struct {
		TransactItems []map[string]json.RawMessage
	}
	if err := json.Unmarshal(body, &in); err != nil {
		return nil, dynInvalid("%v", err)
	}
	var items []txItem
	for pos, action := range in.TransactItems {
		for kind, a := range action {
			var x struct {
				TableName string
				Key, Item attrMap
			}
			if err := json.Unmarshal(a, &x); err != nil {
				return nil, dynInvalid("%v", err)
			}
			k := x.Key
			if k == nil {
				k = x.Item
			}
			key, i, err := p.keyOf(x.TableName, k)
			if err != nil {
				return nil, err
			}
			raw, _ := json.Marshal(action)
			items = append(items, txItem{pos: pos, kind: kind, inner: a, raw: raw, table: x.TableName, key: key, inst: i})
		}
	}
	return items, nil
}

func instancesOf(items []txItem) []int {
	seen := map[int]bool{}
	var ids []int
	for _, it := range items {
		if !seen[it.inst] {
			seen[it.inst] = true
			ids = append(ids, it.inst)
		}
	}
	sort.Ints(ids)
	return ids
}

func (p *partitionedDynamo) transactWrite(body []byte) (int, []byte, error) {
	items, err := p.transactItems(body)
	if err != nil {
		return 0, nil, err
	}
	ids := instancesOf(items)
	for _, i := range ids { // in order: no deadlock between transactions
		in := p.inst(i)
		in.mu.Lock()
		defer in.mu.Unlock()
	}
	for n := range items {
		get, _ := json.Marshal(map[string]any{"TableName": items[n].table, "Key": items[n].key, "ConsistentRead": true})
		status, out := p.call(items[n].inst, "GetItem", get, true)
		if status != http.StatusOK {
			return status, out, nil
		}
		var res struct{ Item json.RawMessage }
		json.Unmarshal(out, &res)
		if len(res.Item) > 0 && string(res.Item) != "null" {
			items[n].before = res.Item
		}
	}
	// Each action as the single-item call it is (minidyn's own transaction
	// copies the instance's whole table each time), under the locks; a
	// failed condition is the item's cancellation reason, and what the
	// others did is undone.
	reasons := make([]map[string]any, len(items))
	var applied []int
	cancelled := false
	for n, it := range items {
		reasons[n] = map[string]any{"Code": "None"}
		var status int
		var out []byte
		if op, ok := map[string]string{"Put": "PutItem", "Update": "UpdateItem", "Delete": "DeleteItem"}[it.kind]; ok {
			status, out = p.call(it.inst, op, it.inner, true)
		} else {
			req, _ := json.Marshal(map[string]any{"TransactItems": []json.RawMessage{it.raw}})
			status, out = p.call(it.inst, "TransactWriteItems", req, true)
		}
		if status == http.StatusOK {
			applied = append(applied, n)
			continue
		}
		var e struct {
			Type string `json:"__type"`
		}
		json.Unmarshal(out, &e)
		if strings.HasSuffix(e.Type, "ConditionalCheckFailedException") || strings.HasSuffix(e.Type, "TransactionCanceledException") {
			reasons[n] = map[string]any{"Code": "ConditionalCheckFailed", "Message": "The conditional request failed"}
			cancelled = true
			continue
		}
		p.undo(items, applied)
		return status, out, nil
	}
	if !cancelled {
		return http.StatusOK, []byte("{}"), nil
	}
	p.undo(items, applied)
	codes := make([]string, len(reasons))
	for n, r := range reasons {
		codes[n] = fmt.Sprint(r["Code"])
	}
	out, _ := json.Marshal(map[string]any{"__type": "com.amazonaws.dynamodb.v20120810#TransactionCanceledException",
		"message":             "Transaction cancelled, please refer cancellation reasons for specific reasons [" + strings.Join(codes, ", ") + "]",
		"CancellationReasons": reasons})
	return http.StatusBadRequest, out, nil
}

// undo puts back the items of the applied actions as they were before the
// transaction. The caller holds the instances' locks.
func (p *partitionedDynamo) undo(items []txItem, applied []int) {
	for _, n := range applied {
		it := items[n]
		if it.before != nil {
			req, _ := json.Marshal(map[string]any{"TableName": it.table, "Item": it.before})
			p.call(it.inst, "PutItem", req, true)
		} else {
			req, _ := json.Marshal(map[string]any{"TableName": it.table, "Key": it.key})
			p.call(it.inst, "DeleteItem", req, true)
		}
	}
}

func (p *partitionedDynamo) transactGet(body []byte) (int, []byte, error) {
	items, err := p.transactItems(body)
	if err != nil {
		return 0, nil, err
	}
	ids := instancesOf(items)
	if len(ids) <= 1 {
		i := 0
		if len(ids) == 1 {
			i = ids[0]
		}
		status, out := p.call(i, "TransactGetItems", body, false)
		return status, out, nil
	}
	for _, i := range ids {
		in := p.inst(i)
		in.mu.Lock()
		defer in.mu.Unlock()
	}
	responses := make([]json.RawMessage, len(items))
	for _, i := range ids {
		var part []json.RawMessage
		var where []int
		for n, it := range items {
			if it.inst == i {
				part = append(part, it.raw)
				where = append(where, n)
			}
		}
		req, _ := json.Marshal(map[string]any{"TransactItems": part})
		status, out := p.call(i, "TransactGetItems", req, true)
		if status != http.StatusOK {
			return status, out, nil
		}
		var res struct{ Responses []json.RawMessage }
		json.Unmarshal(out, &res)
		for k, n := range where {
			if k < len(res.Responses) {
				responses[n] = res.Responses[k]
			}
		}
	}
	out, err := json.Marshal(map[string]any{"Responses": responses})
	return http.StatusOK, out, err
}

// batchGet splits a BatchGetItem by instance and merges the answers.
func (p *partitionedDynamo) batchGet(body []byte) (int, []byte, error) {
	var in struct {
		RequestItems map[string]map[string]json.RawMessage
	}
	if err := json.Unmarshal(body, &in); err != nil {
		return 0, nil, dynInvalid("%v", err)
	}
	split := map[int]map[string]map[string]json.RawMessage{}
	for table, req := range in.RequestItems {
		var keys []attrMap
		if err := json.Unmarshal(req["Keys"], &keys); err != nil {
			return 0, nil, dynInvalid("%v", err)
		}
		by := map[int][]attrMap{}
		for _, k := range keys {
			_, i, err := p.keyOf(table, k)
			if err != nil {
				return 0, nil, err
			}
			by[i] = append(by[i], k)
		}
		for i, ks := range by {
			r := map[string]json.RawMessage{}
			for f, v := range req {
				r[f] = v
			}
			r["Keys"], _ = json.Marshal(ks)
			if split[i] == nil {
				split[i] = map[string]map[string]json.RawMessage{}
			}
			split[i][table] = r
		}
	}
	responses := map[string][]json.RawMessage{}
	for i, req := range split {
		b, _ := json.Marshal(map[string]any{"RequestItems": req})
		status, out := p.call(i, "BatchGetItem", b, false)
		if status != http.StatusOK {
			return status, out, nil
		}
		var res struct{ Responses map[string][]json.RawMessage }
		if err := json.Unmarshal(out, &res); err != nil {
			return 0, nil, err
		}
		for t, items := range res.Responses {
			responses[t] = append(responses[t], items...)
		}
	}
	out, err := json.Marshal(map[string]any{"Responses": responses, "UnprocessedKeys": map[string]any{}})
	return http.StatusOK, out, err
}

// batchWrite splits a BatchWriteItem by instance.
func (p *partitionedDynamo) batchWrite(body []byte) (int, []byte, error) {
	var in struct {
		RequestItems map[string][]json.RawMessage
	}
	if err := json.Unmarshal(body, &in); err != nil {
		return 0, nil, dynInvalid("%v", err)
	}
	split := map[int]map[string][]json.RawMessage{}
	for table, reqs := range in.RequestItems {
		for _, raw := range reqs {
			var w struct {
				PutRequest    *struct{ Item attrMap }
				DeleteRequest *struct{ Key attrMap }
			}
			if err := json.Unmarshal(raw, &w); err != nil {
				return 0, nil, dynInvalid("%v", err)
			}
			var k attrMap
			switch {
			case w.PutRequest != nil:
				k = w.PutRequest.Item
			case w.DeleteRequest != nil:
				k = w.DeleteRequest.Key
			}
			_, i, err := p.keyOf(table, k)
			if err != nil {
				return 0, nil, err
			}
			if split[i] == nil {
				split[i] = map[string][]json.RawMessage{}
			}
			split[i][table] = append(split[i][table], raw)
		}
	}
	for i, req := range split {
		b, _ := json.Marshal(map[string]any{"RequestItems": req})
		if status, out := p.call(i, "BatchWriteItem", b, false); status != http.StatusOK {
			return status, out, nil
		}
	}
	return http.StatusOK, []byte(`{"UnprocessedItems":{}}`), nil
}
