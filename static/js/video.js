// Click to play: until the patient presses play, the page shows only the stored
// thumbnail and makes no request to the video host. Then the privacy-enhanced
// player (youtube-nocookie.com, or Vimeo with dnt=1) replaces the link.
for (const box of document.querySelectorAll("[data-video-embed]")) {
  const link = box.querySelector(".video__play");
  const button = document.createElement("button");
  button.type = "button";
  button.className = link.className;
  button.append(...link.childNodes);
  link.replaceWith(button);
  button.addEventListener("click", () => {
    const frame = document.createElement("iframe");
    frame.src = box.dataset.videoEmbed;
    frame.title = box.dataset.videoTitle;
    frame.allow = "autoplay; encrypted-media; picture-in-picture; fullscreen";
    frame.className = "video__frame";
    button.replaceWith(frame);
    frame.focus();
  });
}
