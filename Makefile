# Extranet Locataire. `make run` starts everything locally; `make test` runs every test.
SHELL := /bin/bash
GO ?= go
FUNCTIONS := $(notdir $(wildcard functions/*))
TOOLS := $(CURDIR)/.tools
RIE_VERSION := v0.0.0-20261030222936-bef5c4ba774d
RIE := $(TOOLS)/aws-lambda-rie
LAMBDA_FLAGS := -trimpath -tags lambda.norpc -ldflags='-s -w'
# A count, not a duration: with a duration, Go 1.26's fuzz coordinator can fail a
# target with "context deadline exceeded" at the deadline on a busy machine
# (golang/go#75804, fixed in Go 1.27). FUZZTIME=2000000x (or 1m) for longer runs.
FUZZTIME ?= 500000x
# FuzzLambdaEvent runs each event through a function on the DynamoDB emulator (about
# 1 ms, against microseconds for the parsers): fewer inputs, in about two minutes.
FUZZTIME_EVENTS ?= 100000x
# The certificate's file checks parse whole PDFs: fewer runs.
FUZZTIME_FILES ?= 100000x
# FuzzParseWebhook verifies and decodes each body twice (as sent, then signed): fewer runs.
FUZZTIME_WEBHOOK ?= 100000x

.PHONY: run test fuzz build bench tools clean import browser notices insurance-reminders erp-payments

## run: the whole portal on http://127.0.0.1:$${PORT:-8080}, with emulated AWS services
run:
	$(GO) run ./infra/local

## test: vet, every test (API, runtime emulator, browser), then each fuzz target briefly
test: tools
	$(GO) vet ./...
	PATH="$(TOOLS):$$PATH" $(GO) test -count=1 ./...
	$(MAKE) --no-print-directory fuzz

# Each fuzz target of the parsers of outside input, briefly.
# A short minimisation time keeps a run from spending its time shrinking one input.
FUZZ := $(GO) test -run='^$$' -fuzztime=$(FUZZTIME) -fuzzminimizetime=2s
fuzz:
	$(FUZZ) -fuzz='^FuzzNormalizeReference$$' ./shared/tenancy
	$(FUZZ) -fuzz='^FuzzFoldName$$' ./shared/tenancy
	$(FUZZ) -fuzz='^FuzzVerify$$' ./shared/password
	$(FUZZ) -fuzz='^FuzzReader$$' ./shared/erp
	$(FUZZ) -fuzz='^FuzzParseEuros$$' ./shared/erp
	$(FUZZ) -fuzz='^FuzzParse$$' ./shared/emailaddr
	$(FUZZ) -fuzz='^FuzzCheck$$' ./shared/strictjson
	$(FUZZ) -fuzz='^FuzzCheck$$' ./shared/safetext
	$(FUZZ) -fuzztime=$(FUZZTIME_EVENTS) -fuzz='^FuzzLambdaEvent$$' ./shared/portal
	$(FUZZ) -fuzz='^FuzzQueryFindsTheName$$' ./shared/directory
	$(FUZZ) -fuzz='^FuzzParseID$$' ./shared/document
	$(FUZZ) -fuzz='^FuzzParseCursor$$' ./shared/document
	$(FUZZ) -fuzz='^FuzzAttachment$$' ./shared/document
	$(FUZZ) -fuzz='^FuzzTitleOf$$' ./shared/blob
	$(FUZZ) -fuzz='^FuzzDecodeBatch$$' ./shared/noticerun
	$(FUZZ) -fuzz='^FuzzParseIBAN$$' ./shared/bankaccount
	$(FUZZ) -fuzz='^FuzzSpreadsheetCell$$' ./shared/safetext
	$(FUZZ) -fuzz='^FuzzCompressPages$$' ./shared/pdf
	$(FUZZ) -fuzztime=$(FUZZTIME_FILES) -fuzz='^FuzzCheckFile$$' ./shared/filecheck
	$(FUZZ) -fuzz='^FuzzCover$$' ./shared/insurance
	$(FUZZ) -fuzztime=$(FUZZTIME_WEBHOOK) -fuzz='^FuzzParseWebhook$$' ./shared/stripepay

## build: every function as bin/<name>/bootstrap for Lambda (linux/arm64)
build: $(addprefix build-,$(FUNCTIONS))

build-%:
	GOOS=linux GOARCH=arm64 CGO_ENABLED=0 $(GO) build $(LAMBDA_FLAGS) -o bin/$*/bootstrap ./functions/$*

# sam build calls build-<LogicalId> (e.g. build-SignupFunction) with ARTIFACTS_DIR set.
build-%Function:
	GOOS=linux GOARCH=arm64 CGO_ENABLED=0 $(GO) build $(LAMBDA_FLAGS) \
		-o $(ARTIFACTS_DIR)/bootstrap ./functions/$(shell echo '$*' | tr '[:upper:]' '[:lower:]')

## import: drop an ERP file into the running local stack's imports/ (make import FILE=path/to/baux_delta_20261201.csv)
import:
	@test -n "$(FILE)" || { echo "usage: make import FILE=path/to/<kind>_<complet|delta>_<AAAAMMJJ>.csv"; exit 2; }
	@$(GO) run ./infra/local import "$(FILE)"

## notices: run the monthly notices of PERIOD (AAAA-MM) on the running stack (make run), and print the counts
notices:
	@test -n "$(PERIOD)" || { echo "usage: make notices PERIOD=AAAA-MM"; exit 2; }
	@$(GO) run ./infra/local notices "$(PERIOD)"

## erp-payments: play the ERP booking the online payments of the running stack's export (make run) that the stack knows and the ERP has not booked yet (it says which it skips): write the ecritures file of their lines, with id_paiement, under .data/erp/ and import it
erp-payments:
	@$(GO) run ./infra/local erp-payments

## insurance-reminders: run the daily home-insurance reminders on the running stack (make run), of today or of DATE (AAAA-MM-JJ), and print the counts
insurance-reminders:
	@$(GO) run ./infra/local insurance-reminders $(DATE)

## bench: binary sizes, init durations under the runtime emulator, API latencies, address look-up timing, ERP import, rendering of notices (-render=false leaves it out), a monthly notices run over 10,000 leases (-notices-leases=N; -notices-run=false leaves it out) (BENCHFLAGS=-import-full for 100,000 leases; -sizes=false -init=false -api=false -import=false for the timing alone)
bench: tools
	PATH="$(TOOLS):$$PATH" $(GO) run ./infra/bench $(BENCHFLAGS)

AXE_VERSION := 4.14.1
AXE_STAMP := $(TOOLS)/axe/axe-core-$(AXE_VERSION).stamp

STRIPE_MOCK_VERSION := v0.203.0
STRIPE_MOCK_STAMP := $(TOOLS)/stripe-mock-$(STRIPE_MOCK_VERSION).stamp

## tools: the Lambda Runtime Interface Emulator (from source), axe-core (browser tests) and stripe-mock (payment tests) into .tools/
tools: $(RIE) $(AXE_STAMP) $(STRIPE_MOCK_STAMP)
$(AXE_STAMP):
	npm install --prefix $(TOOLS)/axe --no-save --no-audit --no-fund --ignore-scripts axe-core@$(AXE_VERSION)
	touch $@

## browser: the browser tests alone; screenshots in .out/screenshots (BROWSERTEST_OUT to change)
browser: tools
	$(GO) test -count=1 -v ./infra/browsertest

$(RIE):
	GOBIN=$(TOOLS) $(GO) install github.com/aws/aws-lambda-runtime-interface-emulator/cmd/aws-lambda-rie@$(RIE_VERSION)

# stripe-mock prints no version of its own (a `go install` build says "master"): the stamp names it.
$(STRIPE_MOCK_STAMP):
	GOBIN=$(TOOLS) $(GO) install github.com/stripe/stripe-mock@$(STRIPE_MOCK_VERSION)
	touch $@

clean:
	rm -rf bin .aws-sam
