package localstack

import (
	"strconv"
	"strings"
	"testing"
)

// TestInsuranceFunctionMemory: the insurance function, which holds a
// 10 MiB file and parses PDFs or decodes images of up to 160 MiB, has
// 1024 MB, and a Go memory limit below it (GOMEMLIMIT), so that the runtime
// collects harder before the function runs out of memory.
func TestInsuranceFunctionMemory(t *testing.T) {
	fn := translatedTemplate(t)["InsuranceFunction"].Properties
	mem := cfnNum(fn["MemorySize"])
	if mem < 1024 {
		t.Errorf("InsuranceFunction: MemorySize %v, want 1024 or more", mem)
	}
	env, _ := fn["Environment"].(map[string]any)
	vars, _ := env["Variables"].(map[string]any)
	limit, _ := vars["GOMEMLIMIT"].(string)
	mib, err := strconv.Atoi(strings.TrimSuffix(limit, "MiB"))
	if err != nil || !strings.HasSuffix(limit, "MiB") || float64(mib) > 0.85*mem || float64(mib) < 0.6*mem {
		t.Errorf("InsuranceFunction: GOMEMLIMIT %q, want about 80%% of its %v MB in MiB", limit, mem)
	}
}

// TestInsuranceQuarantineExpires: files the checks refused are deleted
// after 90 days, their noncurrent versions a day later (the bucket is
// versioned); uploads never confirmed after a day.
func TestInsuranceQuarantineExpires(t *testing.T) {
	bucket := translatedTemplate(t)["DocumentsBucket"].Properties
	lc, _ := bucket["LifecycleConfiguration"].(map[string]any)
	rules, _ := lc["Rules"].([]any)
	want := map[string]float64{"insurance/quarantine/": 90, "insurance/uploads/": 1}
	for _, r := range rules {
		rule, _ := r.(map[string]any)
		prefix, _ := rule["Prefix"].(string)
		days, ok := want[prefix]
		if !ok {
			continue
		}
		delete(want, prefix)
		nc, _ := rule["NoncurrentVersionExpiration"].(map[string]any)
		if rule["Status"] != "Enabled" || cfnNum(rule["ExpirationInDays"]) != days || cfnNum(nc["NoncurrentDays"]) != 1 {
			t.Errorf("rule for %s: %v; want enabled, expiring after %v days, noncurrent versions after 1", prefix, rule, days)
		}
	}
	for prefix := range want {
		t.Errorf("no lifecycle rule for %s", prefix)
	}
}
