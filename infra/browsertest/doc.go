// Package browsertest drives the tenant web app (web/) in headless Chromium,
// against a local stack that each test starts: the whole sign-up with the
// activation email, login, the home page and logout, by mouse and by
// keyboard only; the error pages; offline use; and, for each demo lease, the
// tenant's pages (account and statement with its CSV file, contract,
// contacts, preferences, change requests; tenant_test.go); Mes quittances and the
// statement and certificate PDFs (receipts_test.go); Mon assurance with real
// uploads to the S3 emulator's presigned POST (insurance_test.go). At every page it takes
// screenshots at phone and desktop sizes, checks that nothing overflows at
// 320 px, and runs axe-core, failing on serious or critical violations.
//
// Needs Chromium (apt-get install -y chromium; or set CHROMIUM to a Chrome
// or Chromium binary) and axe-core under .tools/axe (npm install --prefix
// .tools/axe axe-core@4.14.1; or set AXE_CORE to axe.min.js). Without them
// the tests skip, except when CI=true: then they fail. Screenshots go to
// $BROWSERTEST_OUT, by default .out/screenshots at the repository's root.
package browsertest
