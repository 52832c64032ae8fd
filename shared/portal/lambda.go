package portal

import (
	"context"
	"log/slog"
	"os"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/awslabs/aws-lambda-go-api-proxy/httpadapter"
)

// StartLambda builds one function's handler once, at init, and serves
// API Gateway HTTP API (v2) events with it until the runtime stops.
func StartLambda(ctx context.Context, function string, getenv func(string) string) error {
	log := slog.New(slog.NewJSONHandler(os.Stdout, nil)).With("function", function)
	srv, err := New(AWSConfig(getenv), getenv, log)
	if err != nil {
		return err
	}
	lambda.StartWithOptions(httpadapter.NewV2(srv.Handler(function)).ProxyWithContext, lambda.WithContext(ctx))
	return nil
}

// AWSConfig reads the region and credentials that Lambda puts in the
// environment of every function. The SDK's config loader does the same and
// more (profiles, SSO, STS, instance metadata), but that more costs two
// megabytes of binary and init time that a Lambda never uses.
func AWSConfig(getenv func(string) string) aws.Config {
	return aws.Config{
		Region: getenv("AWS_REGION"),
		Credentials: aws.NewCredentialsCache(credentials.NewStaticCredentialsProvider(
			getenv("AWS_ACCESS_KEY_ID"), getenv("AWS_SECRET_ACCESS_KEY"), getenv("AWS_SESSION_TOKEN"))),
	}
}
