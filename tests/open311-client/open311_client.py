#!/usr/bin/env python3
"""An Open311 GeoReport v2 client written from the specification (http://wiki.open311.org/GeoReport_v2), not from
the hotline's code, with only Python's standard library. It checks a running endpoint: discovery, the service list
and a definition, a POST, the request read back by id, and the list filters, in JSON and XML.

    python3 tests/open311-client/open311_client.py --base-url http://localhost:5000/open311/v2 --api-key hk_...

Prints one "ok ..." line per check and exits 0 when all pass; prints "FAIL ..." and exits 1 at the first failure.
"""
import argparse
import datetime
import json
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET

# The spec's field lists.
DISCOVERY = ["changeset", "contact", "key_service", "endpoints"]
ENDPOINT = ["specification", "url", "changeset", "type", "formats"]
SERVICE = ["service_code", "service_name", "description", "metadata", "type", "keywords", "group"]
ATTRIBUTE = ["variable", "code", "datatype", "required", "datatype_description", "order", "description", "values"]
REQUEST = ["service_request_id", "status", "status_notes", "service_name", "service_code", "description",
           "agency_responsible", "service_notice", "requested_datetime", "updated_datetime", "expected_datetime",
           "address", "address_id", "zipcode", "lat", "long", "media_url"]
DATATYPES = {"string", "number", "datetime", "text", "singlevaluelist", "multivaluelist"}
# XML wrappers whose children are list items.
LISTS = {"services": "service", "service_requests": "request", "errors": "error", "endpoints": "endpoint",
         "formats": "format", "attributes": "attribute", "values": "value"}


class CheckFailed(Exception):
    pass


def check(condition, message):
    if not condition:
        raise CheckFailed(message)


def from_xml(element):
    """An XML element as the JSON shape: lists for the spec's wrappers, dicts for elements with children, text."""
    if element.tag in LISTS:
        for child in element:
            check(child.tag == LISTS[element.tag], f"<{element.tag}> holds <{child.tag}>, expected <{LISTS[element.tag]}>")
        return [from_xml(child) for child in element]
    children = list(element)
    if children:
        return {child.tag: from_xml(child) for child in children}
    return element.text if element.text else None


def field_names_xml(element):
    return [child.tag for child in element]


class Client:
    def __init__(self, base_url, api_key):
        self.base = base_url.rstrip("/")
        self.api_key = api_key
        self.passed = 0

    def ok(self, what):
        self.passed += 1
        print(f"ok {what}", flush=True)

    def call(self, method, path, fmt, query=None, form=None):
        url = f"{self.base}/{path}.{fmt}"
        if query:
            url += "?" + urllib.parse.urlencode(query)
        data = urllib.parse.urlencode(form).encode("utf-8") if form is not None else None
        request = urllib.request.Request(url, data=data, method=method)
        if data is not None:
            request.add_header("Content-Type", "application/x-www-form-urlencoded")
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                status, content_type, body = response.status, response.headers.get("Content-Type", ""), response.read()
        except urllib.error.HTTPError as error:
            status, content_type, body = error.code, error.headers.get("Content-Type", ""), error.read()
        text = body.decode("utf-8")
        if fmt == "json":
            check(content_type.startswith("application/json"), f"{method} {url}: Content-Type {content_type!r}")
            return status, json.loads(text), None, text
        check(content_type.startswith("text/xml"), f"{method} {url}: Content-Type {content_type!r}")
        check(text.startswith("<?xml") and "utf-8" in text.split("?>")[0].lower(), f"{method} {url}: no UTF-8 XML declaration")
        root = ET.fromstring(body)
        return status, from_xml(root), root, text

    def both(self, path, query=None):
        """GET in JSON and XML; both must answer the same status and the same data."""
        status_j, json_body, _, _ = self.call("GET", path, "json", query)
        status_x, xml_body, root, _ = self.call("GET", path, "xml", query)
        check(status_j == status_x, f"{path}: JSON answered {status_j}, XML {status_x}")
        return status_j, json_body, xml_body, root

    def expect_error(self, status, body, expected, what):
        check(status == expected, f"{what}: expected HTTP {expected}, got {status}: {body}")
        check(isinstance(body, list) and body, f"{what}: errors must be a non-empty list: {body}")
        for error in body:
            check(set(error) == {"code", "description"}, f"{what}: error fields {sorted(error)}")
            check(str(error["code"]) == str(expected), f"{what}: error code {error['code']}, HTTP {expected}")

    # --- the checks -------------------------------------------------------------------------------------------

    def discovery(self):
        status, j, x, root = self.both("discovery")
        check(status == 200, f"discovery: HTTP {status}")
        check(list(j) == DISCOVERY, f"discovery fields {list(j)}")
        check(field_names_xml(root) == DISCOVERY, f"discovery XML fields {field_names_xml(root)}")
        for endpoints in (j["endpoints"], x["endpoints"]):
            check(len(endpoints) >= 1, "discovery lists no endpoint")
            endpoint = endpoints[0]
            check(list(endpoint) == ENDPOINT, f"endpoint fields {list(endpoint)}")
            check("GeoReport_v2" in endpoint["specification"], f"specification {endpoint['specification']}")
            check(endpoint["url"].rstrip("/").endswith("/open311/v2"), f"endpoint url {endpoint['url']}")
            check({"text/xml", "application/json"} <= set(endpoint["formats"]), f"formats {endpoint['formats']}")
        self.ok("discovery.json and discovery.xml")

    def services(self):
        status, j, x, root = self.both("services")
        check(status == 200 and len(j) > 0, f"services: HTTP {status}, {len(j)} services")
        for service in j + x:
            check(list(service) == SERVICE, f"service fields {list(service)}")
            check(service["type"] in ("realtime", "batch", "blackbox"), f"service type {service['type']}")
            check(str(service["metadata"]).lower() in ("true", "false"), f"metadata {service['metadata']}")
        check([s["service_code"] for s in j] == [s["service_code"] for s in x], "JSON and XML list different services")
        self.ok(f"services.json and services.xml ({len(j)} services)")
        return j

    def definition(self, service):
        code = service["service_code"]
        status, j, x, _ = self.both(f"services/{urllib.parse.quote(code)}")
        check(status == 200, f"services/{code}: HTTP {status}")
        for definition in (j, x):
            check(list(definition) == ["service_code", "attributes"], f"definition fields {list(definition)}")
            check(definition["service_code"] == code, "definition of another service")
            for attribute in definition["attributes"]:
                check(list(attribute) == ATTRIBUTE, f"attribute fields {list(attribute)}")
                check(attribute["datatype"] in DATATYPES, f"datatype {attribute['datatype']}")
                for value in attribute["values"] or []:
                    check(list(value) == ["key", "name"], f"value fields {list(value)}")
        status, body, _, _ = self.call("GET", "services/no-such-service-here", "json")
        self.expect_error(status, body, 404, "unknown service definition")
        self.ok(f"services/{code}.json and .xml, and 404 for an unknown code")
        return j

    def post(self, service, definition, personal):
        form = {
            "api_key": self.api_key, "service_code": service["service_code"], "lat": "32.0415", "long": "118.7781",
            "address_string": "中山路与汉中路口", "description": personal["description"], "email": personal["email"],
            "first_name": personal["first_name"], "last_name": personal["last_name"], "phone": personal["phone"],
            "device_id": "py-client", "account_id": "py-account", "media_url": "https://example.org/photo.jpg",
        }
        for attribute in definition["attributes"]:
            if attribute["datatype"] == "singlevaluelist" and attribute["values"]:
                form[f"attribute[{attribute['code']}]"] = attribute["values"][0]["key"]

        status, body, _, _ = self.call("POST", "requests", "json", form={k: v for k, v in form.items() if k != "api_key"})
        self.expect_error(status, body, 403, "POST without api_key")
        status, body, _, _ = self.call("POST", "requests", "xml", form=dict(form, service_code="no-such-service-here"))
        self.expect_error(status, body, 400, "POST with a bad service_code")
        self.ok("POST without api_key is 403, with a bad service_code 400, in the spec's error shape")

        status, body, _, text = self.call("POST", "requests", "json", form=form)
        check(200 <= status < 300, f"POST requests.json: HTTP {status}: {text}")
        check(isinstance(body, list) and len(body) == 1, f"POST answer must be a one-item list: {body}")
        created = body[0]
        request_id = created.get("service_request_id")
        if not request_id:
            token = created.get("token")
            check(token, f"POST answered neither service_request_id nor token: {created}")
            for _ in range(60):
                status, tokens, _, _ = self.call("GET", f"tokens/{token}", "json")
                if status == 200 and tokens and tokens[0].get("service_request_id"):
                    request_id = tokens[0]["service_request_id"]
                    break
                time.sleep(0.5)
            check(request_id, f"token {token} never gave a service_request_id")
        check(created.get("account_id") in (None, "py-account"), f"account_id {created.get('account_id')}")
        self.ok(f"POST requests.json created request {request_id}")
        return request_id

    def read_back(self, request_id, service, personal):
        status, j, x, _ = self.both(f"requests/{request_id}")
        check(status == 200, f"requests/{request_id}: HTTP {status}")
        for body in (j, x):
            check(isinstance(body, list) and len(body) == 1, f"requests/{request_id} must be a one-item list")
            request = body[0]
            check(list(request) == REQUEST, f"request fields {list(request)}")
            check(request["service_request_id"] == request_id, "another request came back")
            check(request["status"] == "open", f"status {request['status']}")
            check(request["service_code"] == service["service_code"], f"service_code {request['service_code']}")
            for field in ("requested_datetime", "updated_datetime"):
                stamp = request[field]
                check(stamp and datetime.datetime.fromisoformat(stamp.replace("Z", "+00:00")).tzinfo is not None,
                      f"{field} {stamp!r} is not ISO 8601 with an offset")
            check(abs(float(request["lat"]) - 32.0415) < 1e-9 and abs(float(request["long"]) - 118.7781) < 1e-9,
                  f"lat/long {request['lat']}, {request['long']}")
        for fmt in ("json", "xml"):
            _, _, _, text = self.call("GET", f"requests/{request_id}", fmt)
            for value in personal.values():
                check(value not in text, f"requests/{request_id}.{fmt} shows personal data {value!r}")
        self.ok(f"requests/{request_id}.json and .xml: the spec's fields, open, no personal data")

    def filters(self, request_id, service):
        def ids(query, fmt="json"):
            status, body, _, text = self.call("GET", "requests", fmt, query)
            check(status == 200, f"requests {query}: HTTP {status}: {text}")
            for request in body:
                check(list(request) == REQUEST, f"request fields {list(request)}")
            return [r["service_request_id"] for r in body]

        now = datetime.datetime.now(datetime.timezone.utc)
        hour = datetime.timedelta(hours=1)
        check(ids({"service_request_id": request_id}) == [request_id], "service_request_id filter")
        check(request_id in ids({}), "the default 90-day list misses the new request")
        check(request_id in ids({}, "xml"), "the default 90-day XML list misses the new request")
        check(request_id in ids({"service_code": service["service_code"]}), "service_code filter misses it")
        check(request_id in ids({"status": "open"}), "status=open misses it")
        check(request_id not in ids({"status": "closed"}), "status=closed lists an open request")
        window = {"start_date": (now - hour).isoformat(timespec="seconds"), "end_date": (now + hour).isoformat(timespec="seconds")}
        check(request_id in ids(window), "a window around now misses it")
        check(request_id not in ids({"end_date": "2001-01-01T00:00:00Z"}), "a window in 2000 lists it")
        check(len(ids({})) <= 1000, "more than 1000 requests in one answer")
        status, body, _, _ = self.call("GET", "requests", "json", {"start_date": "not a date"})
        self.expect_error(status, body, 400, "a bad start_date")
        status, body, _, _ = self.call("GET", "requests", "xml",
                                       {"start_date": "2020-01-01T00:00:00Z", "end_date": "2020-12-31T00:00:00Z"})
        self.expect_error(status, body, 400, "a window over 90 days")
        self.ok("requests filters: service_request_id, service_code, status, start_date/end_date, bad dates refused")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base-url", required=True, help="the endpoint, e.g. http://localhost:5000/open311/v2")
    parser.add_argument("--api-key", required=True, help="a key allowed to POST requests")
    args = parser.parse_args()

    client = Client(args.base_url, args.api_key)
    stamp = str(int(time.time() * 1000))[-6:]
    personal = {
        "first_name": "Wenjie" + stamp, "last_name": "Xu" + stamp, "phone": "1390000" + stamp[-4:] + "1",
        "email": f"citizen{stamp}@example.org", "description": f"The street light outside number {stamp} is out",
    }
    try:
        client.discovery()
        services = client.services()
        service = services[0]
        definition = client.definition(service)
        request_id = client.post(service, definition, personal)
        client.read_back(request_id, service, personal)
        client.filters(request_id, service)
    except CheckFailed as failure:
        print(f"FAIL {failure}", flush=True)
        return 1
    except (urllib.error.URLError, OSError, ValueError, ET.ParseError) as error:
        print(f"FAIL {type(error).__name__}: {error}", flush=True)
        return 1
    print(f"open311-client: all {client.passed} checks passed against {args.base_url}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
