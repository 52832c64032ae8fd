package httpapi

// StatusOf exposes the code → status table to the external tests, which
// check openapi.yaml against it.
var StatusOf = statusOf
