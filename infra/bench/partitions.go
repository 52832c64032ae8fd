package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"hash/crc32"
	"hash/fnv"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"sync"

	"github.com/truora/minidyn/server"
)

// partitions is a DynamoDB emulator for imports at scale: the emulator of
// the local stack (minidyn, as localstack.StartDynamoDB serves it), one
// instance per bucket of partition keys. A single minidyn reads every item
// of a table on each Query and copies the whole table on each
// TransactWriteItems, so that importing N leases into one instance takes
// time in N²; DynamoDB itself keeps each partition key apart. Splitting the
// keys over many small instances gives the emulator DynamoDB's scaling
// without changing what each call does.
//
// It serves what the import calls: CreateTable (on every instance),
// GetItem, PutItem, UpdateItem, DeleteItem, Query on a table's partition
// key, BatchGetItem and BatchWriteItem (split by instance, answers merged),
// and TransactWriteItems and TransactGetItems within one instance. Scans,
// queries on indexes and transactions across instances are refused.
type partitions struct {
	n int

	mu      sync.Mutex
	shards  map[int]*server.Server
	tables  [][]byte          // CreateTable requests, replayed on each new instance
	hashKey map[string]string // table → name of its partition key
}

func newPartitions(n int) *partitions {
	return &partitions{n: n, shards: map[int]*server.Server{}, hashKey: map[string]string{}}
}

const targetPrefix = "DynamoDB_20120810."

// apiError is an answer in DynamoDB's error format.
type apiError struct {
	status int
	typ    string
	msg    string
}

func (e *apiError) Error() string { return e.typ + ": " + e.msg }

func validation(format string, args ...any) *apiError {
	return &apiError{status: http.StatusBadRequest, typ: "ValidationException", msg: "bench emulator: " + fmt.Sprintf(format, args...)}
}

func (p *partitions) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	op := r.Header.Get("X-Amz-Target")
	if i := bytes.LastIndexByte([]byte(op), '.'); i >= 0 {
		op = op[i+1:]
	}
	status, out, err := p.serve(op, body)
	if ae, ok := err.(*apiError); ok {
		status = ae.status
		out, _ = json.Marshal(map[string]string{"__type": "com.amazonaws.dynamodb.v20120810#" + ae.typ, "message": ae.msg})
	} else if err != nil {
		status = http.StatusInternalServerError
		out, _ = json.Marshal(map[string]string{"__type": "com.amazonaws.dynamodb.v20120810#InternalServerError", "message": err.Error()})
	}
	w.Header().Set("Content-Type", "application/x-amz-json-1.0")
	w.Header().Set("X-Amz-Crc32", strconv.FormatUint(uint64(crc32.ChecksumIEEE(out)), 10))
	w.Header().Set("Content-Length", strconv.Itoa(len(out)))
	w.WriteHeader(status)
	w.Write(out)
}

// call runs one request on one instance.
func call(s *server.Server, op string, body []byte) (int, []byte) {
	req, _ := http.NewRequest(http.MethodPost, "/", bytes.NewReader(body))
	req.Header.Set("X-Amz-Target", targetPrefix+op)
	req.Header.Set("Content-Type", "application/x-amz-json-1.0")
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, req)
	return rec.Code, rec.Body.Bytes()
}

// shard returns instance i, made with the tables on first use.
func (p *partitions) shard(i int) *server.Server {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.shardLocked(i)
}

func (p *partitions) shardLocked(i int) *server.Server {
	s := p.shards[i]
	if s == nil {
		s = server.NewServer()
		for _, t := range p.tables {
			call(s, "CreateTable", t)
		}
		p.shards[i] = s
	}
	return s
}

// Instances is how many instances were made so far.
func (p *partitions) Instances() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.shards)
}

// attrs is an item or a key, its values left encoded.
type attrs = map[string]json.RawMessage

// of is the instance of a partition key value.
func (p *partitions) of(v map[string]json.RawMessage) int {
	h := fnv.New64a()
	for _, t := range []string{"S", "N", "B"} {
		if raw, ok := v[t]; ok {
			h.Write(raw)
		}
	}
	return int(h.Sum64() % uint64(p.n))
}

// keyShard is the instance of an item or key of table.
func (p *partitions) keyShard(table string, item attrs) (int, error) {
	p.mu.Lock()
	hk, ok := p.hashKey[table]
	p.mu.Unlock()
	if !ok {
		return 0, &apiError{status: http.StatusBadRequest, typ: "ResourceNotFoundException", msg: "Cannot do operations on a non-existent table"}
	}
	var v map[string]json.RawMessage
	if err := json.Unmarshal(item[hk], &v); err != nil || v == nil {
		return 0, validation("the key has no %s", hk)
	}
	return p.of(v), nil
}

var keyCondition = regexp.MustCompile(`(#?[A-Za-z0-9_]+)\s*=\s*(:[A-Za-z0-9_]+)`)

func (p *partitions) serve(op string, body []byte) (int, []byte, error) {
	switch op {
	case "CreateTable":
		var in struct {
			TableName string
			KeySchema []struct{ AttributeName, KeyType string }
		}
		if err := json.Unmarshal(body, &in); err != nil {
			return 0, nil, validation("%v", err)
		}
		p.mu.Lock()
		defer p.mu.Unlock()
		status, out := call(p.shardLocked(0), op, body)
		if status != http.StatusOK {
			return status, out, nil
		}
		for i, s := range p.shards {
			if i != 0 {
				call(s, op, body)
			}
		}
		p.tables = append(p.tables, body)
		for _, k := range in.KeySchema {
			if k.KeyType == "HASH" {
				p.hashKey[in.TableName] = k.AttributeName
			}
		}
		return status, out, nil

	case "DescribeTable", "ListTables":
		status, out := call(p.shard(0), op, body)
		return status, out, nil

	case "GetItem", "DeleteItem", "UpdateItem", "PutItem":
		var in struct {
			TableName string
			Key, Item attrs
		}
		if err := json.Unmarshal(body, &in); err != nil {
			return 0, nil, validation("%v", err)
		}
		k := in.Key
		if op == "PutItem" {
			k = in.Item
		}
		i, err := p.keyShard(in.TableName, k)
		if err != nil {
			return 0, nil, err
		}
		status, out := call(p.shard(i), op, body)
		return status, out, nil

	case "Query":
		var in struct {
			TableName                 string
			IndexName                 string
			KeyConditionExpression    string
			ExpressionAttributeNames  map[string]string
			ExpressionAttributeValues map[string]map[string]json.RawMessage
		}
		if err := json.Unmarshal(body, &in); err != nil {
			return 0, nil, validation("%v", err)
		}
		if in.IndexName != "" {
			return 0, nil, validation("queries on an index are not served")
		}
		p.mu.Lock()
		hk := p.hashKey[in.TableName]
		p.mu.Unlock()
		for _, m := range keyCondition.FindAllStringSubmatch(in.KeyConditionExpression, -1) {
			name := m[1]
			if n, ok := in.ExpressionAttributeNames[name]; ok {
				name = n
			}
			if name == hk {
				v, ok := in.ExpressionAttributeValues[m[2]]
				if !ok {
					return 0, nil, validation("no value for %s", m[2])
				}
				status, out := call(p.shard(p.of(v)), op, body)
				return status, out, nil
			}
		}
		return 0, nil, validation("no condition on the partition key in %q", in.KeyConditionExpression)

	case "BatchGetItem":
		return p.batchGet(body)
	case "BatchWriteItem":
		return p.batchWrite(body)

	case "TransactWriteItems", "TransactGetItems":
		var in struct {
			TransactItems []map[string]struct {
				TableName string
				Key, Item attrs
			}
		}
		if err := json.Unmarshal(body, &in); err != nil {
			return 0, nil, validation("%v", err)
		}
		shard := -1
		for _, action := range in.TransactItems {
			for _, a := range action {
				k := a.Key
				if k == nil {
					k = a.Item
				}
				i, err := p.keyShard(a.TableName, k)
				if err != nil {
					return 0, nil, err
				}
				if shard >= 0 && i != shard {
					return 0, nil, validation("transactions across partition keys of different instances are not served")
				}
				shard = i
			}
		}
		if shard < 0 {
			shard = 0
		}
		status, out := call(p.shard(shard), op, body)
		return status, out, nil
	}
	return 0, nil, validation("operation %q is not served", op)
}

// batchGet splits a BatchGetItem by instance and merges the answers.
func (p *partitions) batchGet(body []byte) (int, []byte, error) {
	var in struct {
		RequestItems map[string]map[string]json.RawMessage
	}
	if err := json.Unmarshal(body, &in); err != nil {
		return 0, nil, validation("%v", err)
	}
	split := map[int]map[string]map[string]json.RawMessage{}
	for table, req := range in.RequestItems {
		var keys []attrs
		if err := json.Unmarshal(req["Keys"], &keys); err != nil {
			return 0, nil, validation("%v", err)
		}
		byShard := map[int][]attrs{}
		for _, k := range keys {
			i, err := p.keyShard(table, k)
			if err != nil {
				return 0, nil, err
			}
			byShard[i] = append(byShard[i], k)
		}
		for i, ks := range byShard {
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
	unprocessed := map[string]map[string]json.RawMessage{}
	for i, req := range split {
		b, _ := json.Marshal(map[string]any{"RequestItems": req})
		status, out := call(p.shard(i), "BatchGetItem", b)
		if status != http.StatusOK {
			return status, out, nil
		}
		var res struct {
			Responses       map[string][]json.RawMessage
			UnprocessedKeys map[string]map[string]json.RawMessage
		}
		if err := json.Unmarshal(out, &res); err != nil {
			return 0, nil, err
		}
		for t, items := range res.Responses {
			responses[t] = append(responses[t], items...)
		}
		for t, u := range res.UnprocessedKeys {
			var keys []json.RawMessage
			json.Unmarshal(u["Keys"], &keys)
			if len(keys) == 0 {
				continue
			}
			if prev, ok := unprocessed[t]; ok {
				var more []json.RawMessage
				json.Unmarshal(prev["Keys"], &more)
				keys = append(more, keys...)
			} else {
				unprocessed[t] = u
			}
			unprocessed[t]["Keys"], _ = json.Marshal(keys)
		}
	}
	out, err := json.Marshal(map[string]any{"Responses": responses, "UnprocessedKeys": unprocessed})
	return http.StatusOK, out, err
}

// batchWrite splits a BatchWriteItem by instance and merges the answers.
func (p *partitions) batchWrite(body []byte) (int, []byte, error) {
	var in struct {
		RequestItems map[string][]json.RawMessage
	}
	if err := json.Unmarshal(body, &in); err != nil {
		return 0, nil, validation("%v", err)
	}
	split := map[int]map[string][]json.RawMessage{}
	for table, reqs := range in.RequestItems {
		for _, raw := range reqs {
			var w struct {
				PutRequest    *struct{ Item attrs }
				DeleteRequest *struct{ Key attrs }
			}
			if err := json.Unmarshal(raw, &w); err != nil {
				return 0, nil, validation("%v", err)
			}
			var k attrs
			switch {
			case w.PutRequest != nil:
				k = w.PutRequest.Item
			case w.DeleteRequest != nil:
				k = w.DeleteRequest.Key
			}
			i, err := p.keyShard(table, k)
			if err != nil {
				return 0, nil, err
			}
			if split[i] == nil {
				split[i] = map[string][]json.RawMessage{}
			}
			split[i][table] = append(split[i][table], raw)
		}
	}
	unprocessed := map[string][]json.RawMessage{}
	for i, req := range split {
		b, _ := json.Marshal(map[string]any{"RequestItems": req})
		status, out := call(p.shard(i), "BatchWriteItem", b)
		if status != http.StatusOK {
			return status, out, nil
		}
		var res struct {
			UnprocessedItems map[string][]json.RawMessage
		}
		if err := json.Unmarshal(out, &res); err != nil {
			return 0, nil, err
		}
		for t, items := range res.UnprocessedItems {
			unprocessed[t] = append(unprocessed[t], items...)
		}
	}
	out, err := json.Marshal(map[string]any{"UnprocessedItems": unprocessed})
	return http.StatusOK, out, err
}
