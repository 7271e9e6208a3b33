"""Where pages live and how people are told: S3 + CloudFront, DynamoDB, SNS, the SES sender."""

from __future__ import annotations

from aws_cdk import Duration
from aws_cdk import aws_cloudfront as cloudfront
from aws_cdk import aws_cloudfront_origins as origins
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_ses as ses
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as subscriptions
from constructs import Construct
from storytime.service.staged import STAGED_EXPIRY_DAYS, STAGED_PREFIX


class Storage(Construct):
    def __init__(self, scope: Construct, id: str, *, notify_email: str, sender_email: str, allowed_origin: str):
        super().__init__(scope, id)
        self.access_logs = s3.Bucket(
            self, "AccessLogs",
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            encryption=s3.BucketEncryption.S3_MANAGED,
            enforce_ssl=True,
            object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
            lifecycle_rules=[s3.LifecycleRule(expiration=Duration.days(90))],
        )
        self.bucket = s3.Bucket(
            self, "Media",
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            encryption=s3.BucketEncryption.S3_MANAGED,
            enforce_ssl=True,
            object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
            server_access_logs_bucket=self.access_logs,
            server_access_logs_prefix="media/",
            # The web reader PUTs a big photo to its presigned URL straight from the browser: S3 must
            # answer that origin's preflight (an image body is no simple request). PUT only; reads go
            # through CloudFront.
            cors=[s3.CorsRule(allowed_methods=[s3.HttpMethods.PUT], allowed_origins=[allowed_origin],
                              allowed_headers=["Content-Type"], max_age=600)],
            lifecycle_rules=[
                s3.LifecycleRule(id="AbortIncompleteUploads", abort_incomplete_multipart_upload_after=Duration.days(1)),
                s3.LifecycleRule(id="AbandonedUploads", prefix=STAGED_PREFIX,
                                 expiration=Duration.days(STAGED_EXPIRY_DAYS)),
                # Speech parts are joined into audio/ and deleted; a failed page leaves them behind.
                s3.LifecycleRule(id="LeftoverSpeechParts", prefix="speech/", expiration=Duration.days(7)),
            ],
        )
        self.distribution = cloudfront.Distribution(
            self, "Cdn",
            comment="storytime media: page images and MP3s",
            default_behavior=cloudfront.BehaviorOptions(
                origin=origins.S3BucketOrigin.with_origin_access_control(self.bucket),
                viewer_protocol_policy=cloudfront.ViewerProtocolPolicy.HTTPS_ONLY,
                allowed_methods=cloudfront.AllowedMethods.ALLOW_GET_HEAD,
                cache_policy=cloudfront.CachePolicy.CACHING_OPTIMIZED,
            ),
            minimum_protocol_version=cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021,
            http_version=cloudfront.HttpVersion.HTTP2_AND_3,
            price_class=cloudfront.PriceClass.PRICE_CLASS_100,
        )
        self.table = dynamodb.Table(
            self, "Records",
            partition_key=dynamodb.Attribute(name="id", type=dynamodb.AttributeType.STRING),
            billing_mode=dynamodb.BillingMode.PAY_PER_REQUEST,
            point_in_time_recovery_specification=dynamodb.PointInTimeRecoverySpecification(
                point_in_time_recovery_enabled=True),
            encryption=dynamodb.TableEncryption.AWS_MANAGED,
            # Per-address daily e-mail counts go by themselves after two days.
            time_to_live_attribute="expiresAt",
        )
        self.topic = sns.Topic(
            self, "Notify",
            display_name="storytime",
            # The AWS managed key: no key to pay for; Step Functions publishes through SNS.
            master_key=kms.Alias.from_alias_name(self, "SnsKey", "alias/aws/sns"),
            enforce_ssl=True,
        )
        if notify_email:
            self.topic.add_subscription(subscriptions.EmailSubscription(notify_email))
        self.sender = ses.EmailIdentity(self, "Sender", identity=ses.Identity.email(sender_email))
        self.sender_email = sender_email
