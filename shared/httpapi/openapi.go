package httpapi

import _ "embed"

// OpenAPI is the API's OpenAPI 3.0 description (openapi.yaml), for web and
// mobile clients and for the tests that check every answer against it.
//
//go:embed openapi.yaml
var OpenAPI []byte
