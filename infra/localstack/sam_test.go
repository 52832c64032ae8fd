package localstack

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// TestTemplateTranslatesWithSAM runs template.yaml through aws-sam-translator
// (the AWS::Serverless transform CloudFormation applies), then checks what
// the per-address limit relies on behind CloudFront: every HTTP function has
// the origin secret, CloudFront sends the same secret to the API origin, and
// the /api/* behaviour forwards the viewer's address.
func TestTemplateTranslatesWithSAM(t *testing.T) {
	out := samTranslate(t)
	var cfn struct {
		Resources map[string]struct {
			Type       string
			Properties json.RawMessage
		}
	}
	if err := json.Unmarshal(out, &cfn); err != nil {
		t.Fatalf("translated template: %v", err)
	}

	var secret any // how the functions and CloudFront get the secret
	tpl := repoTemplate(t)
	// Only the HTTP functions (those with an HttpApi event) get it: the
	// others serve no request, and a function's settings are readable by
	// whoever may read its configuration.
	for fn, res := range cfn.Resources {
		if res.Type != "AWS::Lambda::Function" {
			continue
		}
		var props struct {
			Environment struct{ Variables map[string]any }
		}
		if err := json.Unmarshal(res.Properties, &props); err != nil {
			t.Fatalf("%s: %v", fn, err)
		}
		_, has := props.Environment.Variables["ORIGIN_VERIFY_SECRET"]
		if http := len(tpl.Functions[strings.ToLower(strings.TrimSuffix(fn, "Function"))].Routes) > 0; has != http {
			t.Errorf("%s: ORIGIN_VERIFY_SECRET set %v, HTTP routes %v; want it on the HTTP functions only", fn, has, http)
		}
	}
	for _, fn := range []string{"SignupFunction", "ActivationFunction", "SessionFunction", "AccountFunction", "DocumentsFunction"} {
		var props struct {
			Environment struct{ Variables map[string]any }
		}
		if err := json.Unmarshal(cfn.Resources[fn].Properties, &props); err != nil {
			t.Fatalf("%s: %v", fn, err)
		}
		v, ok := props.Environment.Variables["ORIGIN_VERIFY_SECRET"]
		if !ok {
			t.Errorf("%s has no ORIGIN_VERIFY_SECRET", fn)
			continue
		}
		secret = v
	}
	if got := cfn.Resources["OriginVerifySecret"].Type; got != "AWS::SecretsManager::Secret" {
		t.Errorf("OriginVerifySecret is %q, want a generated AWS::SecretsManager::Secret", got)
	}
	if s, _ := json.Marshal(secret); !strings.Contains(string(s), "{{resolve:secretsmanager:${OriginVerifySecret}}}") {
		t.Errorf("ORIGIN_VERIFY_SECRET = %s, want the dynamic reference to OriginVerifySecret", s)
	}

	var dist struct {
		DistributionConfig struct {
			Origins []struct {
				Id                  string
				OriginCustomHeaders []struct {
					HeaderName  string
					HeaderValue any
				}
			}
			CacheBehaviors []struct {
				PathPattern           string
				TargetOriginId        string
				OriginRequestPolicyId any
			}
		}
	}
	if err := json.Unmarshal(cfn.Resources["WebDistribution"].Properties, &dist); err != nil {
		t.Fatalf("WebDistribution: %v", err)
	}
	sent := false
	for _, o := range dist.DistributionConfig.Origins {
		for _, h := range o.OriginCustomHeaders {
			if o.Id == "api" && strings.EqualFold(h.HeaderName, "X-Origin-Verify") && reflect.DeepEqual(h.HeaderValue, secret) {
				sent = true
			}
		}
	}
	if !sent {
		t.Errorf("the api origin does not send X-Origin-Verify with the functions' secret: %+v", dist.DistributionConfig.Origins)
	}
	forwards := false
	for _, b := range dist.DistributionConfig.CacheBehaviors {
		// Managed-AllViewerExceptHostHeader: every viewer header but Host,
		// and CloudFront's own headers, CloudFront-Viewer-Address among them.
		if b.PathPattern == "/api/*" && b.TargetOriginId == "api" && b.OriginRequestPolicyId == "b689b0a8-53d0-40ab-baf2-68738e2966ac" {
			forwards = true
		}
	}
	if !forwards {
		t.Errorf("the /api/* behaviour does not forward the viewer's address: %+v", dist.DistributionConfig.CacheBehaviors)
	}
}

// samTranslate returns template.yaml as CloudFormation gets it, translated
// by aws-sam-translator (the AWS::Serverless transform), as JSON. Without
// the translator the test is skipped, except in CI, where it fails.
func samTranslate(t *testing.T) []byte {
	t.Helper()
	root, err := FindRoot()
	if err != nil {
		t.Fatal(err)
	}
	if err := exec.Command("python3", "-c", "import samtranslator").Run(); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("python3 with aws-sam-translator is needed (pip install aws-sam-translator): %v", err)
		}
		t.Skipf("python3 with aws-sam-translator not found (pip install aws-sam-translator): %v", err)
	}
	cmd := exec.Command("python3", filepath.Join("testdata", "sam_translate.py"), filepath.Join(root, "template.yaml"))
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("aws-sam-translator refuses template.yaml: %v\n%s", err, stderr.String())
	}
	return out
}
