"""Translate template.yaml with aws-sam-translator, as CloudFormation's
AWS::Serverless transform does, and print the result as JSON.

Usage: python3 sam_translate.py template.yaml. The functions' CodeUri is set
to an S3 URI first, as `sam package` leaves it. No AWS call is made: the
template names no managed policy.
"""
import json
import os
import sys

from samtranslator.translator.transform import transform
from samtranslator.yaml_helper import yaml_parse


class NoManagedPolicies:
    def load(self):
        return {}


os.environ.setdefault("AWS_DEFAULT_REGION", "eu-west-3")
with open(sys.argv[1]) as f:
    template = yaml_parse(f.read())
template["Globals"]["Function"]["CodeUri"] = "s3://bucket/key"
json.dump(transform(template, {}, NoManagedPolicies()), sys.stdout)
