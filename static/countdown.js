// Counts down every element with data-deadline (Unix seconds) once a minute,
// in the words the server uses. Without script the server's text stays.
(function () {
  function left(deadline) {
    var s = deadline - Math.floor(Date.now() / 1000);
    if (s <= 0) return "已截止";
    var d = Math.floor(s / 86400), h = Math.floor(s % 86400 / 3600), m = Math.floor(s % 3600 / 60);
    if (d > 0) return "剩余 " + d + "天 " + h + "小时";
    if (h > 0) return "剩余 " + h + "小时 " + m + "分钟";
    return "剩余 " + Math.max(m, 1) + "分钟";
  }
  function tick() {
    var items = document.querySelectorAll("[data-deadline]");
    for (var i = 0; i < items.length; i++) {
      items[i].textContent = left(Number(items[i].getAttribute("data-deadline")));
    }
  }
  setInterval(tick, 30000);
})();
