package localstack

import (
	"context"
	"fmt"
	"net/http/httptest"
	"path/filepath"
	"sort"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/truora/minidyn/server"

	"github.com/citejardins/extranet/shared/dynamo"
)

// LocalTables are the template's tables as the local stack names them: by
// their logical ids.
var LocalTables = dynamo.Tables{Tenancy: "TenancyTable", Accounts: "AccountsTable"}

// DynamoDB is a DynamoDB emulator alone, with the template's tables: for
// tests of code that needs only the tables.
type DynamoDB struct {
	Client *dynamodb.Client
	URL    string
	srv    *httptest.Server
}

// StartDynamoDB starts an emulator and creates the tables of the template
// found in root (FindRoot when empty).
func StartDynamoDB(ctx context.Context, root string) (*DynamoDB, error) {
	if root == "" {
		r, err := FindRoot()
		if err != nil {
			return nil, err
		}
		root = r
	}
	tpl, err := LoadTemplate(filepath.Join(root, "template.yaml"))
	if err != nil {
		return nil, err
	}
	srv := httptest.NewServer(withCRC32(server.NewServer()))
	d := &DynamoDB{URL: srv.URL, srv: srv, Client: dynamoClient(srv.URL)}
	if err := createTables(ctx, d.Client, tpl); err != nil {
		srv.Close()
		return nil, err
	}
	return d, nil
}

// Close stops the emulator.
func (d *DynamoDB) Close() { d.srv.Close() }

func dynamoClient(endpoint string) *dynamodb.Client {
	cfg := aws.Config{Region: Region, Credentials: credentials.NewStaticCredentialsProvider(AccessKey, SecretKey, "")}
	return dynamodb.NewFromConfig(cfg, func(o *dynamodb.Options) { o.BaseEndpoint = aws.String(endpoint) })
}

func createTables(ctx context.Context, db *dynamodb.Client, tpl *Template) error {
	ids := make([]string, 0, len(tpl.Tables))
	for id := range tpl.Tables {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		if _, err := db.CreateTable(ctx, tpl.Tables[id]); err != nil {
			return fmt.Errorf("create table %s: %w", id, err)
		}
	}
	return nil
}
