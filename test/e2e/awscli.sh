#!/usr/bin/env bash
# An AWS CLI walkthrough against flotilla at $FLOTILLA_ENDPOINT: create a
# table, wait for it, write, read, query, scan, update, delete, drop it.
# Credentials and region come from the environment (run.sh sets dummies).
# When FLOTILLA_READ_ENDPOINT names another node of the same cluster, an
# item written through FLOTILLA_ENDPOINT is also read back through it.
set -euo pipefail

: "${FLOTILLA_ENDPOINT:?set FLOTILLA_ENDPOINT}"
if [[ -x /usr/bin/aws ]]; then aws_bin=/usr/bin/aws; else aws_bin=aws; fi
table="Music-$RANDOM$RANDOM"
passed=0
failed=0

ddb() { "$aws_bin" --endpoint-url "$FLOTILLA_ENDPOINT" --output json dynamodb "$@"; }

# check NAME JSON PYTHON-EXPR: evaluates EXPR with the parsed JSON as `r`.
check() {
  local name="$1" json="$2" expr="$3"
  if printf '%s' "$json" | /usr/bin/python3 -c "import json,sys; r=json.load(sys.stdin); sys.exit(0 if ($expr) else 1)" 2>/dev/null; then
    passed=$((passed + 1)); echo "ok   $name"
  else
    failed=$((failed + 1)); echo "FAIL $name: $json"
  fi
}

out=$(ddb create-table --table-name "$table" \
  --attribute-definitions AttributeName=Artist,AttributeType=S AttributeName=SongTitle,AttributeType=S \
  --key-schema AttributeName=Artist,KeyType=HASH AttributeName=SongTitle,KeyType=RANGE \
  --billing-mode PAY_PER_REQUEST)
check "create-table" "$out" "r['TableDescription']['TableName'] == '$table'"

ddb wait table-exists --table-name "$table"
out=$(ddb describe-table --table-name "$table")
check "wait table-exists, describe-table ACTIVE" "$out" "r['Table']['TableStatus'] == 'ACTIVE'"

out=$(ddb list-tables)
check "list-tables" "$out" "'$table' in r['TableNames']"

for song in "Call Me Today" "Happy Day" "Hello World"; do
  ddb put-item --table-name "$table" \
    --item "{\"Artist\":{\"S\":\"No One You Know\"},\"SongTitle\":{\"S\":\"$song\"},\"Year\":{\"N\":\"2020\"}}"
done
ddb put-item --table-name "$table" --item '{"Artist":{"S":"Acme Band"},"SongTitle":{"S":"PartiQL Rocks"},"Tags":{"SS":["a","b"]}}'
echo "ok   put-item x4"
passed=$((passed + 1))

out=$(ddb get-item --table-name "$table" --consistent-read \
  --key '{"Artist":{"S":"No One You Know"},"SongTitle":{"S":"Happy Day"}}')
check "get-item" "$out" "r['Item']['Year']['N'] == '2020' and r['Item']['SongTitle']['S'] == 'Happy Day'"

if [[ -n "${FLOTILLA_READ_ENDPOINT:-}" ]]; then
  out=$("$aws_bin" --endpoint-url "$FLOTILLA_READ_ENDPOINT" --output json dynamodb get-item \
    --table-name "$table" --consistent-read \
    --key '{"Artist":{"S":"No One You Know"},"SongTitle":{"S":"Hello World"}}')
  check "get-item through $FLOTILLA_READ_ENDPOINT" "$out" "r['Item']['Year']['N'] == '2020' and r['Item']['SongTitle']['S'] == 'Hello World'"
fi

out=$(ddb query --table-name "$table" \
  --key-condition-expression "Artist = :a AND begins_with(SongTitle, :h)" \
  --expression-attribute-values '{":a":{"S":"No One You Know"},":h":{"S":"H"}}')
check "query begins_with" "$out" "r['Count'] == 2 and [i['SongTitle']['S'] for i in r['Items']] == ['Happy Day', 'Hello World']"

out=$(ddb query --table-name "$table" --key-condition-expression "Artist = :a" \
  --expression-attribute-values '{":a":{"S":"No One You Know"}}' --no-scan-index-forward --max-items 2)
check "query reverse with --max-items" "$out" "[i['SongTitle']['S'] for i in r['Items']] == ['Hello World', 'Happy Day'] and 'NextToken' in r"

out=$(ddb scan --table-name "$table")
check "scan" "$out" "r['Count'] == 4 and r['ScannedCount'] == 4"

out=$(ddb scan --table-name "$table" --filter-expression "attribute_exists(Tags)")
check "scan with filter" "$out" "r['Count'] == 1 and r['Items'][0]['Artist']['S'] == 'Acme Band'"

out=$(ddb update-item --table-name "$table" \
  --key '{"Artist":{"S":"No One You Know"},"SongTitle":{"S":"Happy Day"}}' \
  --update-expression "SET AlbumTitle = :t ADD Plays :one" \
  --expression-attribute-values '{":t":{"S":"Songs About Life"},":one":{"N":"1"}}' \
  --return-values ALL_NEW)
check "update-item ALL_NEW" "$out" "r['Attributes']['AlbumTitle']['S'] == 'Songs About Life' and r['Attributes']['Plays']['N'] == '1'"

if err=$(ddb put-item --table-name "$table" --item '{"Artist":{"S":"Acme Band"},"SongTitle":{"S":"PartiQL Rocks"}}' \
  --condition-expression "attribute_not_exists(Artist)" 2>&1); then
  failed=$((failed + 1)); echo "FAIL conditional put-item succeeded"
elif grep -q "ConditionalCheckFailedException" <<<"$err"; then
  passed=$((passed + 1)); echo "ok   conditional put-item fails"
else
  failed=$((failed + 1)); echo "FAIL conditional put-item: $err"
fi

out=$(ddb delete-item --table-name "$table" \
  --key '{"Artist":{"S":"Acme Band"},"SongTitle":{"S":"PartiQL Rocks"}}' --return-values ALL_OLD)
check "delete-item ALL_OLD" "$out" "sorted(r['Attributes']['Tags']['SS']) == ['a', 'b']"

out=$(ddb get-item --table-name "$table" --consistent-read --key '{"Artist":{"S":"Acme Band"},"SongTitle":{"S":"PartiQL Rocks"}}')
[[ -n "$out" ]] || out='{}'
check "deleted item is gone" "$out" "'Item' not in r"

out=$(ddb delete-table --table-name "$table")
check "delete-table" "$out" "r['TableDescription']['TableName'] == '$table'"
ddb wait table-not-exists --table-name "$table"
out=$(ddb list-tables)
check "wait table-not-exists" "$out" "'$table' not in r['TableNames']"

echo "$passed passed, $failed failed"
((failed == 0))
