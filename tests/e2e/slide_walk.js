// Measures slides as a presenter sees them: how far a slide's content reaches beyond the view,
// and which headings fail to start it. Content inside a box that scrolls (a long code cell or
// output, see scripts/classroom/templates/offline_reveal and notebooks/rise.css) counts by the
// box, not by what scrolls inside. Evaluating this file defines window.slideWalk:
//   slideWalk.measure(slide, v)  one slide (a leaf <section>; v: its vertical index)
//   slideWalk.settled(slide)     waits until the slide stops moving (a transition), max 3 s
//   slideWalk.deck()             every slide of an exported deck (needs window.Reveal), each
//                                with all its fragments shown (Reveal.nextFragment until none)
// tests/e2e/test_slides.py uses deck() on the exported decks and measure() on RISE's live
// slideshow in JupyterLab, which it steps through with the space bar.
() => {
  const width = window.innerWidth, height = window.innerHeight;
  const shown = el => {
    const style = getComputedStyle(el);
    return style.display !== 'none' && style.visibility !== 'hidden';
  };
  const scrollsOrClips = el => {
    const style = getComputedStyle(el);
    return [style.overflowX, style.overflowY].some(v => ['auto', 'scroll', 'hidden'].includes(v));
  };
  const frame = () => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)));
  const measure = (slide, v) => {
    // The extent of the content: every shown element's box, not looking inside boxes that
    // scroll or clip their content.
    const extent = { top: height, bottom: 0, left: width, right: 0 };
    let culprit = null;
    const visit = el => {
      for (const child of el.children) {
        if (!shown(child)) continue;
        const box = child.getBoundingClientRect();
        if (box.width > 0 || box.height > 0) {
          extent.top = Math.min(extent.top, box.top);
          extent.bottom = Math.max(extent.bottom, box.bottom);
          extent.left = Math.min(extent.left, box.left);
          extent.right = Math.max(extent.right, box.right);
          const beyond = box.bottom > height + 1 || box.right > width + 1 ||
                         box.top < -1 || box.left < -1;
          if (beyond && culprit === null) culprit = child;
          if (scrollsOrClips(child)) continue;
        }
        visit(child);
      }
    };
    visit(slide);
    // A heading starts its slide when its cell is the slide's first cell and nothing in the
    // cell comes before it; a title or `##` heading must also open a new horizontal slide
    // (the first of its column), a `###` heading may open a sub-slide below.
    const firstCell = slide.querySelector('.jp-Cell');
    const misplaced = [...slide.querySelectorAll('h1, h2, h3')].filter(heading => {
      const cell = heading.closest('.jp-Cell');
      const first = cell && cell.querySelector('.jp-RenderedMarkdown > *');
      const opensColumn = v === 0 || heading.tagName === 'H3';
      return !(cell === firstCell && first === heading && opensColumn);
    }).map(heading => heading.textContent.replace('¶', '').trim());
    const cellText = (firstCell ? firstCell.textContent : slide.textContent).trim();
    return {
      v,
      start: cellText.replace(/\s+/g, ' ').replace('¶', '').slice(0, 70),
      beyond: {
        bottom: Math.max(0, Math.round(extent.bottom - height)),
        right: Math.max(0, Math.round(extent.right - width)),
        top: Math.max(0, Math.round(-extent.top)),
        left: Math.max(0, Math.round(-extent.left)),
      },
      culprit: culprit ? culprit.className || culprit.tagName : null,
      misplaced,
      headings: slide.querySelectorAll('h1, h2, h3').length,
    };
  };
  const settled = async slide => {
    let last = '', same = 0;
    for (let i = 0; i < 180 && same < 3; i++) {
      await frame();
      const box = JSON.stringify(slide.getBoundingClientRect());
      same = box === last ? same + 1 : 0;
      last = box;
    }
  };
  const deck = async () => {
    const slides = [];
    for (const slide of Reveal.getSlides()) {
      const { h, v } = Reveal.getIndices(slide);
      Reveal.slide(h, v, -1);
      while (Reveal.nextFragment()) { /* show the next fragment */ }
      await frame();
      slides.push({ h, ...measure(slide, v) });
    }
    Reveal.slide(0, 0, -1);
    return { width, height, slides };
  };
  window.slideWalk = { measure, settled, deck, width, height };
}
