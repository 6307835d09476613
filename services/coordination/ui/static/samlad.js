// Live updates: a server-sent event stream per page sends the re-rendered fragment after
// each commit that changed what the page shows. Without JavaScript the page still works
// (reload to see news); with it, the fragment is swapped in and announced politely.
(function () {
  "use strict";
  var region = document.querySelector("[data-live]");
  if (!region || !("EventSource" in window)) { return; }
  var status = document.getElementById("live-status");
  var source = new EventSource(region.getAttribute("data-live"));

  source.addEventListener("update", function (event) {
    var message = JSON.parse(event.data);
    // Keep keyboard focus where it was if the focused element survives the swap.
    var focusedId = document.activeElement && region.contains(document.activeElement)
      ? document.activeElement.id : null;
    var openDetails = Array.prototype.map.call(
      region.querySelectorAll("details[open]"), function (d) { return d.className; });
    region.innerHTML = message.html;
    openDetails.forEach(function (name) {
      var again = region.querySelector("details." + name.split(" ").join("."));
      if (again) { again.open = true; }
    });
    if (focusedId) {
      var again = document.getElementById(focusedId);
      if (again) { again.focus(); }
    }
    region.setAttribute("data-updated", String(Date.now()));
    if (status) { status.textContent = message.announce; }
  });
  // Close the stream when leaving, so the browser does not keep reconnecting it.
  window.addEventListener("pagehide", function () { source.close(); });
})();
