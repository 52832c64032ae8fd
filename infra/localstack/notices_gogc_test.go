package localstack

import (
	"strconv"
	"testing"
)

// The notice workers run with a lazier collector (GOGC 400, template.yaml):
// the local run measured a sixth of the workers' CPU in the collector at
// the default, 100, for a heap far below the function's memory. The
// setting reaches the built worker through FunctionEnv, as the bench runs it.
func TestNoticeWorkerRunsWithALazierCollector(t *testing.T) {
	tpl := repoTemplate(t)
	fn, ok := tpl.Functions["noticeworker"]
	if !ok {
		t.Fatal("no noticeworker function in the template")
	}
	if gogc, err := strconv.Atoi(fn.Env["GOGC"].Literal); err != nil || gogc < 200 {
		t.Errorf("noticeworker: GOGC %q; want 200 or more", fn.Env["GOGC"].Literal)
	}
	local := map[string]string{} // what Start gives the intrinsics
	for k, v := range fn.Env {
		if v.Other {
			local[k] = "local"
		}
	}
	s := &Stack{Template: tpl, QueueURLs: map[string]string{}, env: local}
	env, err := s.FunctionEnv("noticeworker")
	if err != nil || env["GOGC"] != fn.Env["GOGC"].Literal {
		t.Errorf("FunctionEnv gives GOGC %q (%v); want the template's", env["GOGC"], err)
	}
}
