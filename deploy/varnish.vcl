# Varnish in front of the practice site (Debian's varnish 7.1).
#
# Caches what the app marks cacheable (public, s-maxage), passes the admin,
# form posts and anyone signed in (a session cookie), and keeps serving a page
# for a while when the app is down.
#
# Two kinds of change reach it. One that takes a page away from the public
# (unpublished, deleted, moved, renamed, made private) is PURGEd or BANned by
# the app at once. One that only refreshes what pages show (a menu title, a
# setting, a page's text) reaches it by revalidation: a copy is fresh for
# FRESH_SECONDS, then served a few seconds more while one background fetch
# gets the new one, so a change every page shows never sends every visitor to
# the app at once, and is on every page within about 10 seconds.
#
# Two listeners: the public one, which the TLS proxy in front forwards to, and
# one named "purge" that only the app uses. PURGE and BAN are taken on the
# purge listener only: behind nginx on the same machine every visitor comes
# from 127.0.0.1, so an address rule alone would let anyone empty the cache.
#
#   varnishd -a 127.0.0.1:6081 -a purge=127.0.0.1:6091 -f deploy/varnish.vcl ...
#   FRONTEND_CACHE_URL=http://127.0.0.1:6091   (the app purges there)
#
# The backend below is the app on this machine; change host and port to yours.
# Its probe asks /healthz, which answers 200 while the app can take requests
# (its database answers), even with the cache down.
vcl 4.1;

import std;

backend default {
    .host = "127.0.0.1";
    .port = "8000";
    .probe = {
        .url = "/healthz";
        # A busy app answers its probe late, behind the requests it is serving:
        # sick only when it has not answered (in 3 s) 4 times of the last 5.
        # A stricter probe turned every node sick under load and made Varnish
        # answer 503 to everything it had not cached (bench/visit.sh).
        .interval = 2s;
        .timeout = 3s;
        .window = 5;
        .threshold = 2;
    }
}

acl purgers {
    "127.0.0.1";
    "::1";
}

sub vcl_recv {
    # Past its fresh time a copy is served only briefly while it is fetched
    # again in the background; while the app is down, for as long as beresp.grace.
    if (std.healthy(req.backend_hint)) {
        set req.grace = 5s;
    }
    # Only this VCL sets it (from the visitor's own cookie, below): never a client.
    unset req.http.X-Csrf-Cookie;
    if (req.method == "PURGE" || req.method == "BAN") {
        if (local.socket != "purge" || client.ip !~ purgers) {
            return (synth(405, "Not allowed"));
        }
        if (req.method == "BAN") {
            # Everything of this host: menus or site settings changed.
            ban("obj.http.x-host == " + req.http.host);
        } else {
            # The page at this path, whatever its query string (?page=2, ?print=1).
            ban("obj.http.x-host == " + req.http.host +
                " && obj.http.x-url ~ ^" + regsub(req.url, "\?.*$", "") + "(\?|$)");
        }
        return (synth(200, "Purged"));
    }
    if (req.method != "GET" && req.method != "HEAD") {
        return (pass);
    }
    if (req.url ~ "^/admin/" || req.url ~ "^/healthz") {
        return (pass);
    }
    if (req.http.Cookie ~ "(^|;\s*)sessionid=") {
        # Signed-in staff always get fresh pages from the app.
        return (pass);
    }
    # Anonymous visitors: their cookies change nothing on a cacheable page, so
    # one copy serves them all (the hash is the URL and host, never a cookie).
    # Except csrftoken: a form page (never cached) must see the browser's own,
    # or each load of the form sets a new one and a form open in another tab
    # is refused. It is kept aside here and handed to the app in
    # vcl_backend_fetch only. A page that shows a token is never cacheable (the
    # app marks it private, no-store: pagecache.UncachedPageMixin), so no
    # visitor's token is ever stored, and any answer that sets a cookie is
    # passed, not stored (vcl_backend_response).
    if (req.http.Cookie ~ "(^|;\s*)csrftoken=") {
        set req.http.X-Csrf-Cookie = regsub(
            req.http.Cookie, "^(.*;\s*)?csrftoken=([^;]*).*$", "\2");
    }
    unset req.http.Cookie;
    return (hash);
}

sub vcl_backend_fetch {
    if (bereq.http.X-Csrf-Cookie) {
        set bereq.http.Cookie = "csrftoken=" + bereq.http.X-Csrf-Cookie;
        unset bereq.http.X-Csrf-Cookie;
    }
}

sub vcl_backend_response {
    # Remembered on the object so PURGE and BAN can find it.
    set beresp.http.x-url = bereq.url;
    set beresp.http.x-host = bereq.http.host;
    if (beresp.http.Set-Cookie || beresp.http.Cache-Control ~ "(private|no-cache|no-store)"
        || !(beresp.http.Cache-Control ~ "s-maxage")) {
        set beresp.uncacheable = true;
        set beresp.ttl = 120s;
        return (deliver);
    }
    # FRESH_SECONDS: fresh this long, then revalidated (see the top of this file).
    if (beresp.ttl > 3s) {
        set beresp.ttl = 3s;
    }
    # While the app is down (its /healthz probe failing), serve what we have.
    set beresp.grace = 10m;
}

sub vcl_deliver {
    unset resp.http.x-url;
    unset resp.http.x-host;
    if (obj.hits > 0) {
        set resp.http.X-Cache = "HIT";
    } else {
        set resp.http.X-Cache = "MISS";
    }
}
