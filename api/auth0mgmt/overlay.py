#!/usr/bin/env python3
"""Writes api/auth0mgmt/overlay.yaml from the structure of Auth0's document.

Run from the module root:

    python3 api/auth0mgmt/overlay.py ../shared/reference/auth0/management-api-oas.json
    go run ./cmd/gen import auth0mgmt -from <same file> -source-url <its URL>

It needs PyYAML and runs `go run ./cmd/gen import` once on a scratch copy
to find the schemas that are the same once prose is dropped.
"""
import collections, json, os, subprocess, sys, tempfile
import yaml

SRC = sys.argv[1]
d = json.load(open(SRC))
S = d['components']['schemas']

def name_of(ref): return ref.split('/')[-1]
def res(s):
    while '$ref' in s: s = S[name_of(s['$ref'])]
    return s

refs = collections.Counter()
def walk(n):
    if isinstance(n, dict):
        for k, v in n.items():
            if k == '$ref' and isinstance(v, str): refs[name_of(v)] += 1
            else: walk(v)
    elif isinstance(n, list):
        for v in n: walk(v)
walk(d)

actions = []
def act(target, **kw):
    a = {'target': target}; a.update(kw); actions.append(a)

# 1. The second FlowsVaultConnectioSetupOauthCode of the union is a duplicate
#    that gives the union two methods of the same name.
act('$.components.schemas.UpdateFlowsVaultConnectionSetup.oneOf[15]', remove=True)
# 2. The schema Client would clash with the facade's Client.
act('$.components.schemas.Client', update={'x-go-name': 'ClientDetails'})
# 3. format: email decodes into a type that rejects any address net/mail
#    cannot parse, failing a whole list over one odd value: plain strings.
act("$..[?(@.format == 'email')].format", remove=True)

# 4. Required fields the schema does not declare: the user import and
#    export jobs do answer the connection's name; phone provider answers
#    never carry the (masked) credentials.
for n, sc in S.items():
    props = sc.get('properties') or {}
    for r in sorted(set(sc.get('required', [])) - set(props)):
        if not props:
            continue
        if r == 'connection':
            act('$.components.schemas.%s.properties' % n, update={'connection': {'type': 'string'}})
        else:
            act("$.components.schemas.%s.required[?(@ == '%s')]" % (n, r), remove=True)

def ptarget(p, m): return "$.paths['%s'].%s" % (p, m)

ops = []
for p, it in d['paths'].items():
    for m, o in it.items():
        if m in ('get', 'post', 'put', 'patch', 'delete'): ops.append((p, m, o))

# 5. x-operation-group lists become dotted service paths.
for p, m, o in ops:
    g = o['x-operation-group']
    if isinstance(g, list):
        act(ptarget(p, m), update={'x-operation-group': '.'.join(g)})

# The event stream (text/event-stream) never ends: the client builds its
# URL, to read with Client.HTTPClient(), which adds the token.
act("$.paths['/events'].get", update={'x-idsdk-url-only': True})

# 6. Paging, and one result type per list.
removed = set()
paged = []
for p, m, o in ops:
    if m != 'get': continue
    q = {pp.get('name') for pp in o.get('parameters', []) if pp.get('in') == 'query'}
    has_page = {'page', 'per_page'} <= q
    has_ck = {'from', 'take'} <= q
    if not (has_page or has_ck): continue
    content = o['responses'].get('200', {}).get('content', {}).get('application/json')
    if not content: continue
    sch = content['schema']
    r = res(sch)
    variants = r.get('oneOf') or [sch]
    objs = [v for v in variants if res(v).get('type') == 'object' or 'properties' in res(v)]
    if not objs: continue  # a bare array without paging data (event deliveries, stats)
    props = {}
    for v in objs:
        for k, pv in res(v).get('properties', {}).items():
            props.setdefault(k, pv)
    arrays = [k for k, pv in props.items() if res(pv).get('type') == 'array']
    if len(arrays) != 1:
        sys.exit('%s: cannot tell the items field among %s' % (o['operationId'], arrays))
    items = arrays[0]
    style = 'checkpoint' if has_ck and 'next' in props else ('page' if has_page else None)
    if style is None:
        sys.exit('%s: no paging style' % o['operationId'])
    # 50 a page (Auth0's default), or less where the API caps the size.
    size = 50
    for pp in o.get('parameters', []):
        if pp.get('in') == 'query' and pp.get('name') == ('per_page' if style == 'page' else 'take'):
            size = min(size, int(res(pp.get('schema', {})).get('maximum', size)))
    spec = {'style': style, 'items': items, 'page-size': size}
    if style == 'page':
        spec.update({'page-param': 'page', 'per-page-param': 'per_page', 'first-page': 0})
        if 'total' in props: spec['total'] = 'total'
        if 'include_totals' in q: spec['include-totals-param'] = 'include_totals'
    else:
        spec.update({'from-param': 'from', 'take-param': 'take', 'next': 'next'})
    act(ptarget(p, m), update={'x-idsdk-paging': spec})
    paged.append((o['operationId'], style, items))
    if 'oneOf' not in r: continue
    # A bare array, {start, limit, total, items} and {next, items} all
    # decode into the object with every field any of them has.
    # Counts are integers (the document says number, which is float32).
    props = {k: ({'type': 'integer'} if k in ('start', 'limit', 'length', 'total', 'page', 'per_page') and res(v).get('type') == 'number' else v)
             for k, v in props.items()}
    merged = {'type': 'object', 'properties': props}
    if '$ref' in sch:
        nm = name_of(sch['$ref'])
        act('$.components.schemas.' + nm, remove=True)
    else:
        g = o['x-operation-group']
        g = ''.join(x[0].upper() + x[1:] for x in g) if isinstance(g, list) else g[0].upper() + g[1:]
        nm = 'List' + g + 'ResponseContent'
        assert nm not in S, nm
        act(ptarget(p, m) + ".responses['200'].content['application/json'].schema", remove=True)
        act(ptarget(p, m) + ".responses['200'].content['application/json']", update={'schema': {'$ref': '#/components/schemas/' + nm}})
    act('$.components.schemas', update={nm: merged})
    for v in variants:
        if '$ref' in v and refs[name_of(v['$ref'])] == 1 and res(v).get('type') == 'object':
            removed.add(name_of(v['$ref']))
for nm in sorted(removed):
    act('$.components.schemas.' + nm, remove=True)

# 7. additionalProperties: true beside declared properties makes
#    oapi-codegen write a map field and four methods per schema (a fifth
#    of the package). Only user records really carry fields the document
#    cannot name (root attributes from enterprise connections, profile data
#    from identity providers): they keep it, the rest decode the declared
#    fields only (Raw() still reaches the whole body).
import re
KEEP_OPEN = re.compile(r'^(UserResponseSchema|(Get|Create|Update)UserResponseContent|.*ProfileData|EventStreamCloudEventUser(Created|Updated|Deleted)Object)$')
opened = 0
for n, sc in S.items():
    undeclared = set(sc.get('required', [])) - set(sc.get('properties', {}))
    if sc.get('additionalProperties') is True and sc.get('properties') and not undeclared and not KEEP_OPEN.match(n) and n not in removed:
        act('$.components.schemas.%s.additionalProperties' % n, remove=True)
        opened += 1

# 8. Facts the published document lacks, seen in the real service's
#    traffic: facts.yaml beside this file, one entry per behaviour.
def facts(path):
    for e in yaml.safe_load(open(path)) or []:
        why = e['why']
        for sc in e.get('schemas', []):
            if sc not in S:
                sys.exit('facts.yaml: no schema %s' % sc)
            act('$.components.schemas.%s.properties' % sc, description=why, update=e['properties'])
        if 'operation' in e:
            m, p = e['operation'].split(' ', 1)
            act(ptarget(p, m) + '.parameters', description=why, update=e['parameters'])
        for a in e.get('actions', []):
            actions.append(dict(a, description=why))
facts(os.path.join(os.path.dirname(os.path.abspath(__file__)), 'facts.yaml'))

HEADER = '''# Our changes to Auth0's Management API document, applied by
# `go run ./cmd/gen import auth0mgmt`. Written by overlay.py beside it:
#  - drop the second FlowsVaultConnectioSetupOauthCode of
#    UpdateFlowsVaultConnectionSetup.oneOf (a duplicate that breaks the union);
#  - the Client schema becomes the Go type ClientDetails (Client is the facade);
#  - e-mail properties are plain strings (no format: email);
#  - required fields the schemas do not declare are declared (a job's
#    connection) or dropped (masked phone provider credentials);
#  - x-operation-group lists become dotted service paths;
#  - GET /events (a never-ending event stream) is a URL builder;
#  - list operations get x-idsdk-paging, and a list that answers a bare
#    array or an object gets one object schema with every field (counts
#    as integers);
#  - additionalProperties: true is dropped beside declared properties,
#    except on user records;
#  - facts.yaml: what the real service sends and accepts beyond the document;
#  - schemas that are the same once prose is dropped become aliases of one.
'''

PROSE = ('description', 'title', 'example', 'examples', 'externalDocs')

def no_prose(n, in_names=False):
    """Drops the vendor's prose from what the overlay copies: keywords only,
    never a property that happens to be called description."""
    if isinstance(n, dict):
        out = {}
        for k, v in n.items():
            if not in_names and k in PROSE and not isinstance(v, dict):
                continue
            out[k] = no_prose(v, in_names=(k == 'properties' and not in_names))
        return out
    if isinstance(n, list):
        return [no_prose(x) for x in n]
    return n

def dump(acts):
    acts = [dict(a, update=no_prose(a['update'])) if 'update' in a else a for a in acts]
    out = {'overlay': '1.0.0', 'x-speakeasy-jsonpath': 'rfc9535',
           'info': {'title': 'idsdk-go changes to the Auth0 Management API document', 'version': '1.0.0'},
           'actions': acts}
    return HEADER + yaml.safe_dump(out, sort_keys=False, width=200)

# 9. Find the schemas that are equal once prose is dropped: import once on a
#    scratch root, then alias each duplicate to one schema of its group.
root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
with tempfile.TemporaryDirectory() as tmp:
    os.makedirs(os.path.join(tmp, 'api', 'auth0mgmt'))
    with open(os.path.join(tmp, 'api', 'auth0mgmt', 'overlay.yaml'), 'w') as f:
        f.write(dump(actions))
    subprocess.run(['go', 'run', './cmd/gen', '-root', tmp, 'import', 'auth0mgmt', '-from', SRC],
                   cwd=root, check=True, stdout=subprocess.DEVNULL)
    doc = yaml.safe_load(open(os.path.join(tmp, 'api', 'auth0mgmt', 'openapi.yaml')))
schemas = doc['components']['schemas']
canon = {}  # schema -> the schema it becomes an alias of
def root_of(n):
    while n in canon: n = canon[n]
    return n
def key(s):
    def norm(n):
        if isinstance(n, dict):
            return {k: ('#/components/schemas/' + root_of(name_of(v)) if k == '$ref' and isinstance(v, str) else norm(v)) for k, v in n.items()}
        if isinstance(n, list): return [norm(x) for x in n]
        return n
    return json.dumps(norm(s), sort_keys=True)
def rank(n):
    generic = n.endswith('ResponseContent') or n.endswith('RequestContent')
    return (generic, len(n), n)
while True:
    groups = collections.defaultdict(list)
    for n, s in schemas.items():
        if n in canon or set(s) == {'$ref'} or any(k.startswith('x-go-') for k in s): continue
        if s.get('type') != 'object' and 'oneOf' not in s and 'anyOf' not in s and 'allOf' not in s: continue
        groups[key(s)].append(n)
    changed = False
    for names in groups.values():
        if len(names) < 2: continue
        names.sort(key=rank)
        for n in names[1:]:
            canon[n] = names[0]; changed = True
    if not changed: break
for n in sorted(canon):
    act('$.components.schemas.' + n, remove=True)
    act('$.components.schemas', update={n: {'$ref': '#/components/schemas/' + root_of(n)}})

print('%d paged (%s), %d list variants dropped, %d schemas closed, %d schemas aliased' % (
    len(paged), dict(collections.Counter(s for _, s, _ in paged)), len(removed), opened, len(canon)), file=sys.stderr)
with open(os.path.join(root, 'api', 'auth0mgmt', 'overlay.yaml'), 'w') as f:
    f.write(dump(actions))
