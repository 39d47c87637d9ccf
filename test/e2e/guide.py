"""flotilla's copy of the DynamoDB guide's boto3 examples, with assertions.

Runs against the endpoint in FLOTILLA_ENDPOINT with dummy credentials. Exits
non-zero if any check fails. The guide's stream-handler example needs
DynamoDB Streams and is not exercised here.
"""

import os
import sys
import uuid
from decimal import Decimal

import boto3
from boto3.dynamodb.conditions import Attr, Key
from botocore.exceptions import ClientError

ENDPOINT = os.environ["FLOTILLA_ENDPOINT"]
passed = 0
failed = 0


def check(name, cond, detail=""):
    global passed, failed
    if cond:
        passed += 1
        print(f"ok   {name}")
    else:
        failed += 1
        print(f"FAIL {name} {detail}")


def resource():
    return boto3.resource(
        "dynamodb",
        endpoint_url=ENDPOINT,
        region_name="us-east-1",
        aws_access_key_id="AKIDEXAMPLE",
        aws_secret_access_key="secret",
    )


def users_table(dynamodb, name, with_sort_key):
    keys = [{"AttributeName": "UserID", "KeyType": "HASH"}]
    attrs = [{"AttributeName": "UserID", "AttributeType": "S"}]
    if with_sort_key:
        keys.append({"AttributeName": "CreatedAt", "KeyType": "RANGE"})
        attrs.append({"AttributeName": "CreatedAt", "AttributeType": "S"})
    table = dynamodb.create_table(
        TableName=name,
        KeySchema=keys,
        AttributeDefinitions=attrs,
        BillingMode="PAY_PER_REQUEST",
    )
    table.wait_until_exists()
    return table


GUIDE_ITEM = {
    "UserID": "123",
    "Name": "John Doe",
    "Email": "john.doe@example.com",
    "CreatedAt": "2024-08-21T10:00:00Z",
}


def guide_users(dynamodb):
    """Step 1-3 of the guide: the Users table, put_item, query, scan."""
    name = "Users-" + uuid.uuid4().hex[:8]
    table = users_table(dynamodb, name, with_sort_key=False)
    table.reload()
    check("Users table ACTIVE", table.table_status == "ACTIVE", table.table_status)
    check("Users key schema", table.key_schema == [{"AttributeName": "UserID", "KeyType": "HASH"}], table.key_schema)

    table.put_item(Item=GUIDE_ITEM)
    print("Data inserted successfully.")

    got = table.get_item(Key={"UserID": "123"}).get("Item")
    check("get_item returns the guide's item", got == GUIDE_ITEM, got)

    response = table.query(KeyConditionExpression=Key("UserID").eq("123"))
    check("query finds one item", response["Count"] == 1 and response["Items"] == [GUIDE_ITEM], response.get("Items"))

    table.put_item(Item={"UserID": "456", "Name": "Jane Roe", "Age": 42, "Score": Decimal("0.1")})
    response = table.scan()
    check("scan returns both items", sorted(i["UserID"] for i in response["Items"]) == ["123", "456"], response.get("Items"))
    jane = [i for i in response["Items"] if i["UserID"] == "456"]
    check("numbers come back as Decimal", jane and jane[0]["Age"] == Decimal(42) and jane[0]["Score"] == Decimal("0.1"), jane)

    response = table.scan(FilterExpression=Attr("Name").begins_with("Jane"))
    check("scan with filter", [i["UserID"] for i in response["Items"]] == ["456"], response.get("Items"))

    table.update_item(
        Key={"UserID": "456"},
        UpdateExpression="SET Score = Score + :d ADD Visits :one",
        ExpressionAttributeValues={":d": Decimal("0.2"), ":one": 1},
    )
    got = table.get_item(Key={"UserID": "456"}, ConsistentRead=True)["Item"]
    check("update_item exact decimal arithmetic", got["Score"] == Decimal("0.3") and got["Visits"] == 1, got)

    try:
        table.put_item(Item={"UserID": "123"}, ConditionExpression=Attr("UserID").not_exists())
        check("conditional put on an existing item fails", False, "no error")
    except ClientError as e:
        check("conditional put on an existing item fails",
              e.response["Error"]["Code"] == "ConditionalCheckFailedException", e.response["Error"])

    table.delete_item(Key={"UserID": "456"})
    check("delete_item", "Item" not in table.get_item(Key={"UserID": "456"}))

    table.delete()
    table.wait_until_not_exists()
    names = dynamodb.meta.client.list_tables()["TableNames"]
    check("table deleted", name not in names, names)


def guide_users_by_date(dynamodb):
    """The guide's Users table with a CreatedAt sort key."""
    name = "UsersByDate-" + uuid.uuid4().hex[:8]
    table = users_table(dynamodb, name, with_sort_key=True)
    with table.batch_writer() as batch:
        for day in range(1, 31):
            batch.put_item(Item=dict(GUIDE_ITEM, CreatedAt=f"2024-08-{day:02d}T10:00:00Z", Day=day))
    batch_count = table.query(KeyConditionExpression=Key("UserID").eq("123"), Select="COUNT")["Count"]
    check("batch_writer wrote 30 items", batch_count == 30, batch_count)

    response = table.query(
        KeyConditionExpression=Key("UserID").eq("123") & Key("CreatedAt").between("2024-08-10", "2024-08-13"),
    )
    days = [int(i["Day"]) for i in response["Items"]]
    check("query with sort key range", days == [10, 11, 12], days)

    response = table.query(
        KeyConditionExpression=Key("UserID").eq("123") & Key("CreatedAt").begins_with("2024-08-2"),
        ScanIndexForward=False,
        Limit=3,
    )
    days = [int(i["Day"]) for i in response["Items"]]
    check("query backwards with limit", days == [29, 28, 27] and "LastEvaluatedKey" in response, response)

    items, kwargs = [], {"KeyConditionExpression": Key("UserID").eq("123"), "Limit": 7}
    while True:
        page = table.query(**kwargs)
        items.extend(page["Items"])
        if "LastEvaluatedKey" not in page:
            break
        kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]
    check("query pages through every item in order", [int(i["Day"]) for i in items] == list(range(1, 31)))

    client = dynamodb.meta.client
    got = client.batch_get_item(RequestItems={name: {"Keys": [
        {"UserID": "123", "CreatedAt": "2024-08-01T10:00:00Z"},
        {"UserID": "123", "CreatedAt": "2024-08-02T10:00:00Z"},
    ]}})
    check("batch_get_item", len(got["Responses"][name]) == 2 and not got["UnprocessedKeys"], got)

    desc = client.describe_table(TableName=name)["Table"]
    check("describe_table", desc["TableStatus"] == "ACTIVE" and desc["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST", desc)
    table.delete()


def errors(dynamodb):
    client = dynamodb.meta.client
    try:
        client.describe_table(TableName="does-not-exist")
        check("missing table error", False, "no error")
    except client.exceptions.ResourceNotFoundException as e:
        check("missing table error", "not found" in e.response["Error"]["Message"], e.response["Error"])


def main():
    dynamodb = resource()
    for step in (guide_users, guide_users_by_date, errors):
        try:
            step(dynamodb)
        except Exception as e:  # report and continue with the next step
            check(step.__name__, False, repr(e))
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
