# The govern transform end to end: generator traffic with emails, phones and card
# numbers goes through govern into a file; no raw value of those fields is in what
# was written, tokens are stable (one per distinct email), `sluice detokenize` gives
# every encrypted phone back, and keys that others may read are refused.
source "$(dirname "$0")/lib.sh"

KEY1=$(openssl rand -hex 32)
KEY2=$(openssl rand -hex 32)
printf 'k1 %s\nk2 %s\n' "$KEY1" "$KEY2" >govern.keys
chmod 600 govern.keys
cat >pipeline.yaml <<YAML
data_dir: $WORK/data
sources:
  traffic: {type: generator, rate: 0, count: 3000, seed: 7}
transforms:
  governed:
    type: govern
    inputs: [traffic]
    key_file: $WORK/govern.keys
    key_id: k2
    fields: {email: tokenize, phone: encrypt, card_number: drop}
    classes: {restricted: drop, confidential: tokenize}
sinks:
  raw: {type: file, inputs: [traffic], path: raw}
  out: {type: file, inputs: [governed], path: out}
YAML
"$SLUICE" run pipeline.yaml --summary-interval 0s >run.log 2>&1 || fail "the pipeline failed: $(tail -5 run.log)"
cat data/raw/*.ndjson >raw.ndjson
cat data/out/*.ndjson >out.ndjson
[[ $(wc -l <out.ndjson) == 3000 ]] || fail "govern passed $(wc -l <out.ndjson) of 3000 events"

# No raw value of a governed field anywhere in the output.
jq -r '.email // empty, .phone // empty, .card_number // empty' raw.ndjson | sort -u >raw_values
[[ $(wc -l <raw_values) -gt 1000 ]] || fail "the generator produced too few sensitive values to test: $(wc -l <raw_values)"
leaks=$(grep -F -c -f raw_values out.ndjson || true)
[[ $leaks == 0 ]] || fail "$leaks governed events still hold a raw email, phone or card number"
jq -e 'has("card_number") | not' out.ndjson >/dev/null || fail "card numbers were not dropped"
pass "no raw email, phone or card number in the governed output ($(wc -l <raw_values) distinct raw values checked)"

# Tokens are stable: as many distinct tokens as distinct emails, each keyed k2.
emails=$(jq -r '.email // empty' raw.ndjson | sort -u | wc -l)
tokens=$(jq -r '.email // empty' out.ndjson | sort -u | wc -l)
[[ $emails == "$tokens" ]] || fail "$emails distinct emails became $tokens distinct tokens"
[[ $(jq -r '.email // empty' out.ndjson | grep -cv '^tok_k2_') == 0 ]] || fail "an email is not a k2 token"
pass "tokens are stable: $emails distinct emails, $tokens distinct tokens"

# Encrypted phones come back with the key file: line by line, as the raw sink has them.
paste <(jq -r '.phone // "-"' raw.ndjson) <(jq -r '.phone // "-"' out.ndjson) | awk -F'\t' '$1 != "-"' >pairs
cut -f2 pairs | "$SLUICE" detokenize --key-file govern.keys >decrypted || fail "detokenize failed: $(head -3 decrypted)"
cmp -s <(cut -f1 pairs) decrypted || fail "detokenized phones differ from the raw ones: $(diff <(cut -f1 pairs) decrypted | head -4)"
pass "sluice detokenize gives back all $(wc -l <pairs) encrypted phones"
expect_exit 3 "$SLUICE" detokenize --key-file govern.keys "$(jq -r '.email // empty' out.ndjson | head -1)"
grep -q "one-way" "$WORK/err" || fail "detokenize of a token does not say tokens are one-way: $(cat "$WORK/err")"

# A key file others may read is refused, and the error names it.
chmod 644 govern.keys
expect_exit 3 "$SLUICE" run pipeline.yaml --summary-interval 0s
grep -q "govern.keys" "$WORK/err" || fail "the error does not name the key file: $(tail -3 "$WORK/err")"
pass "a key file readable by others is refused: $(grep -o 'govern.keys.*' "$WORK/err" | head -1 | cut -c1-100)"
