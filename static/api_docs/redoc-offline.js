// Loaded before ReDoc's bundle (templates/drf_spectacular/redoc.html): ReDoc's sidebar shows a
// logo from cdn.redoc.ly, which no option turns off. An image from another site gets an empty
// source instead, so the browser fetches nothing and ReDoc, seeing the image fail, hides it.
(function () {
  "use strict";
  function elsewhere(value) {
    try {
      return new URL(String(value), document.baseURI).origin !== window.location.origin &&
        /^https?:/.test(new URL(String(value), document.baseURI).protocol);
    } catch (error) {
      return false;
    }
  }
  var setAttribute = Element.prototype.setAttribute;
  Element.prototype.setAttribute = function (name, value) {
    if (this instanceof HTMLImageElement && String(name).toLowerCase() === "src" && elsewhere(value)) {
      value = "";
    }
    return setAttribute.call(this, name, value);
  };
  var source = Object.getOwnPropertyDescriptor(HTMLImageElement.prototype, "src");
  Object.defineProperty(HTMLImageElement.prototype, "src", {
    configurable: true,
    enumerable: source.enumerable,
    get: source.get,
    set: function (value) {
      source.set.call(this, elsewhere(value) ? "" : value);
    },
  });
})();
