package localstack

import (
	"bytes"
	"encoding/json"
	"sort"
)

// Index holders: which emulator instances an index query of
// partitionedDynamo must ask (dynamo_partitions.go).

// indexHolders are the instances a write may have given an index's
// partition key attribute: by value for the items PutItem and
// BatchWriteItem put (a string value), and, for any other write whose
// request names the attribute (UpdateItem, a transaction's action, a
// number), for every value. A superset: a deleted item or a failed write
// leaves its instance listed, which only costs a query.
type indexHolders struct {
	byValue map[string]map[int]bool
	any     map[int]bool
}

// noteHolders records instance i in the holders of each index partition
// key attribute the write's request names.
func (p *partitionedDynamo) noteHolders(i int, op string, body []byte) {
	p.holdersMu.Lock()
	defer p.holdersMu.Unlock()
	for attr, h := range p.holders {
		if !bytes.Contains(body, []byte(attr)) {
			continue
		}
		var items []attrMap
		switch op {
		case "PutItem":
			var in struct{ Item attrMap }
			if json.Unmarshal(body, &in) != nil {
				h.any[i] = true
				continue
			}
			items = append(items, in.Item)
		case "BatchWriteItem":
			var in struct {
				RequestItems map[string][]struct{ PutRequest *struct{ Item attrMap } }
			}
			if json.Unmarshal(body, &in) != nil {
				h.any[i] = true
				continue
			}
			for _, reqs := range in.RequestItems {
				for _, r := range reqs {
					if r.PutRequest != nil {
						items = append(items, r.PutRequest.Item)
					}
				}
			}
		default:
			h.any[i] = true
			continue
		}
		for _, it := range items {
			v, ok := it[attr]
			if !ok {
				continue
			}
			key, ok := holderKey(v)
			if !ok {
				h.any[i] = true
				continue
			}
			if h.byValue[key] == nil {
				h.byValue[key] = map[int]bool{}
			}
			h.byValue[key][i] = true
		}
	}
}

// holderKey is a string value's key in indexHolders.byValue; other types
// have none.
func holderKey(v json.RawMessage) (string, bool) {
	var sv struct{ S *string }
	if json.Unmarshal(v, &sv) != nil || sv.S == nil {
		return "", false
	}
	return *sv.S, true
}

// indexInstances are the instances an index query must ask: those that
// may hold the value of the index's partition key in the condition, or
// every instance if the condition gives none.
func (p *partitionedDynamo) indexInstances(ix keyPair, keyCondition string, names map[string]string, values map[string]json.RawMessage) []int {
	for _, m := range hashCondition.FindAllStringSubmatch(keyCondition, -1) {
		name := m[1]
		if n, ok := names[name]; ok {
			name = n
		}
		if name != ix.hash {
			continue
		}
		if key, ok := holderKey(values[m[2]]); ok {
			return p.holdersOf(ix.hash, key)
		}
		break
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	ids := make([]int, 0, len(p.insts))
	for i := range p.insts {
		ids = append(ids, i)
	}
	sort.Ints(ids)
	return ids
}

// holdersOf are the instances that may hold value in attr, in order.
func (p *partitionedDynamo) holdersOf(attr, value string) []int {
	p.holdersMu.Lock()
	defer p.holdersMu.Unlock()
	var ids []int
	if h := p.holders[attr]; h != nil {
		for i := range h.byValue[value] {
			ids = append(ids, i)
		}
		for i := range h.any {
			if !h.byValue[value][i] {
				ids = append(ids, i)
			}
		}
	}
	sort.Ints(ids)
	return ids
}
