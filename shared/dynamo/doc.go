// Package dynamo stores the portal's data in DynamoDB and speaks in domain
// types. The key design, one Get, Query or transaction per access pattern
// (see ../../../shared/ACCESS-PATTERNS.md in the workspace, and DESIGN.md
// beside this file), is written down in DESIGN.md.
package dynamo
