"""The JavaScript-filled pages FakeSites (tests/scraper_server.py) serves for the browser route.

Shaped like the real pages as public code shows them (scrapers/README.md, evidence table):
    12309   /12309/gj/<region>/zjxflws/index.shtml is an empty shell; its script (FLWSGK_JS, served as
            /js/flwsgk.js) POSTs the JSON /getFileListByPage the module also sends over plain HTTP,
            renders <li><a href><b class="lanmu">[channel]</b>title</a><span class="date">…</span></li>
            and pages with a `.nextbtn` that loads the next page in place (no URL shows page N).
    wenshu  /website/wenshu/181217BMTKHNT2W0/index.html?pageId&s21&s8&cprqStart&cprqEnd: the script sends
            rest.q4w (cfg …@queryDoc) with its own `ciphertext` and `__RequestVerificationToken`, gets an
            encrypted `result` (XOR + base64 here, 3DES on the real site) and decrypts it in the page,
            then renders the site's list template (.con_right span count, .LM_list h4 > a.caseName,
            .list_subtitle spans, the .left_7_3 pager of a.pageButton with 上一页 / numbers / 下一页).
            /website/wenshu/181107ANFZ0BXSK4/index.html?docId=… renders div.PDF_box the same way.
            An answer that is not JSON (the login page the server sends without a session) sends the
            browser to the site's login page.
"""

from __future__ import annotations

LOGIN_PAGE = "/website/wenshu/181029BPRY8AYR1P/index.html"

FLWSGK_JS = """(function () {
  const channelWebPath = location.pathname.replace("/12309", "").replace("/zjxflws/index.shtml", "");
  const channelLevels = new URLSearchParams(location.search).get("channelLevels") || "";
  const size = 15;
  let page = 1;
  function load() {
    fetch("/getFileListByPage", {method: "POST", headers: {"Content-Type": "application/json"},
      body: JSON.stringify({codeId: "", page: page, size: size, fileType: "法律文书公开",
                            channelWebPath: channelWebPath, channelLevels: channelLevels})})
      .then(r => r.json()).then(res => {
        const hits = res.results.hits.hits, total = res.results.hits.total;
        let rows = "";
        for (const hit of hits) {
          const day = new Date(hit.createdTime + 8 * 3600 * 1000).toISOString().slice(0, 10);
          rows += '<li><a target="_blank" href="' + hit.url + '"><b class="lanmu">['
            + hit.channel[hit.channel.length - 2].displayName + ']</b>' + hit.title
            + '</a><span class="date">' + day + '</span></li>';
        }
        document.getElementById("impFile").innerHTML = rows;
        const pages = Math.ceil(total / size);
        document.getElementById("page_div").innerHTML = '<span>第' + page + '页 共' + pages + '页</span>'
          + (page < pages ? '<a href="javascript:;" class="nextbtn">下一页</a>' : '');
      });
  }
  document.addEventListener("click", function (event) {
    if (event.target.classList.contains("nextbtn")) { page += 1; load(); }
  });
  load();
})();
"""

_WENSHU_COMMON = """
function decrypt(text, key) {
  const bytes = Uint8Array.from(atob(text), c => c.charCodeAt(0));
  const out = bytes.map((b, i) => b ^ key.charCodeAt(i %% key.length));
  return JSON.parse(new TextDecoder().decode(out));
}
function token(n) { let s = ""; while (s.length < n) s += Math.random().toString(36).slice(2); return s.slice(0, n); }
function ask(form, render) {
  form.set("ciphertext", token(32));
  form.set("__RequestVerificationToken", token(24));
  fetch("/website/parse/rest.q4w", {method: "POST", body: form}).then(r => r.text()).then(text => {
    let answer;
    try { answer = JSON.parse(text); } catch (e) { location.assign("%(login)s?open=login"); return; }
    if (answer.code !== 1) { document.getElementById("app").innerHTML = '<div class="error">' + answer.description + '</div>'; return; }
    render(decrypt(answer.result, answer.secretKey));
  });
}
const q = new URLSearchParams(location.search);
""" % {"login": LOGIN_PAGE}

WENSHU_LIST = """<!doctype html><html><head><meta charset="utf-8"><title>文书列表</title></head><body>
<div id="app"></div>
<script>%(common)s
let pageNum = 1;
const pageSize = 15;
function conditions() {
  const c = [];
  if (q.get("s21")) c.push({key: "s21", value: q.get("s21")});
  if (q.get("s8")) c.push({key: "s8", value: q.get("s8")});
  if (q.get("cprqStart")) c.push({key: "cprq", value: q.get("cprqStart") + " TO " + q.get("cprqEnd")});
  return c;
}
function render(d) {
  const count = d.queryResult.resultCount;
  let html = '<div class="fr con_right">共检索到 <span>' + count + '</span> 篇文书</div>';
  if (d.queryResult.resultList.length === 0) html += "暂无数据！";
  for (const item of d.queryResult.resultList) {
    html += '<div class="LM_list"><div class="list_title clearfix"><h4><a href="../181107ANFZ0BXSK4/index.html?docId='
      + encodeURIComponent(item.rowkey) + '" class="caseName" target="_blank">' + item["1"] + '</a></h4></div>'
      + '<div class="list_subtitle"><span class="slfyName">' + (item["2"] || "") + '</span><span class="ah">'
      + (item["7"] || "") + '</span><span class="cprq">' + (item["31"] || "") + '</span></div></div>';
  }
  if (d.queryResult.resultList.length !== 0) {
    const last = Math.ceil(count / pageSize);
    const next = pageNum == last ? pageNum : pageNum + 1, prev = pageNum == 1 ? 1 : pageNum - 1;
    html += '<div class="left_7_3"><a class="' + (pageNum == 1 ? "disabled" : "") + ' pageButton" value="' + prev + '">上一页</a>';
    for (let i = Math.max(1, pageNum - 2); i <= Math.min(last, pageNum + 2); i++) {
      html += i == pageNum ? '<a class="active" href="javascript:;">' + i + '</a>'
                           : '<a href="javascript:;" class="pageButton" value="' + i + '">' + i + '</a>';
    }
    html += '<a href="javascript:;" class="' + (pageNum == last ? "disabled" : "") + ' pageButton" value="' + next + '">下一页</a></div>';
  }
  document.getElementById("app").innerHTML = html;
}
function load() {
  ask(new URLSearchParams({pageId: q.get("pageId") || "", sortFields: "s50:desc", pageNum: String(pageNum),
      pageSize: String(pageSize), queryCondition: JSON.stringify(conditions()),
      cfg: "com.lawyee.judge.dc.parse.dto.SearchDataDsoDTO@queryDoc"}), render);
}
document.addEventListener("click", function (event) {
  const button = event.target.closest(".pageButton");
  if (button && !button.classList.contains("disabled")) { pageNum = Number(button.getAttribute("value")); load(); }
});
load();
</script></body></html>""" % {"common": _WENSHU_COMMON}

WENSHU_DETAIL = """<!doctype html><html><head><meta charset="utf-8"><title>文书详情</title></head><body>
<div id="app"></div>
<script>%(common)s
ask(new URLSearchParams({docId: q.get("docId") || "", cfg: "com.lawyee.judge.dc.parse.dto.SearchDataDsoDTO@docInfoSearch"}),
  function (d) {
    document.getElementById("app").innerHTML = '<div class="PDF_box"><div class="PDF_title">' + d.s1 + '</div>'
      + '<div class="PDF_pox">' + d.qwContent + '</div></div>';
  });
</script></body></html>""" % {"common": _WENSHU_COMMON}
