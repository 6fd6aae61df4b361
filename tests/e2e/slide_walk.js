// Measures slides as a presenter sees them: how far a slide's content reaches beyond the view,
// and which headings fail to start it. Content inside a box that scrolls (a long code cell or
// output, see scripts/classroom/templates/offline_reveal and notebooks/rise.css) counts by the
// box, not by what scrolls inside. Evaluating this file defines window.slideWalk:
//   slideWalk.measure(slide, v)  one slide (a leaf <section>; v: its vertical index)
//   slideWalk.settled(slide)     waits until the slide stops moving (a transition), max 3 s
//   slideWalk.settle(slide)      opens every <details> (solutions, answers) on the slide, then
//                                waits until the slide is final as a presenter sees it: MathJax
//                                has typeset and re-rendered it (its queue is empty), the fonts
//                                and the slide's images have loaded, and the slide has stopped
//                                moving (settled). The walk never lays the slide out itself: the
//                                deck re-centres it after typesetting and when a <details> opens
//                                (templates/offline_reveal), RISE starts it at the top
//                                (classroom/metadata.py), as the presenter sees them.
//   slideWalk.deck()             every slide of an exported deck (needs window.Reveal), each
//                                with all its fragments shown (Reveal.nextFragment until none),
//                                measured once settle() is done
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
      // fragments still hidden when measured (the walk shows every one: this must be 0)
      hiddenFragments: [...slide.querySelectorAll('.fragment')].filter(f => !shown(f)).length,
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
  const mathjaxIdle = () => new Promise(done => {
    // MathJax 2 (exported decks): a callback queued now runs after every typeset and re-render
    // queued before it, such as the one the deck queues on each slide change.
    if (window.MathJax && MathJax.Hub && MathJax.Hub.Queue) MathJax.Hub.Queue(() => done());
    // MathJax 3 (JupyterLab): its typesetting promise.
    else if (window.MathJax && MathJax.startup && MathJax.startup.promise) {
      MathJax.startup.promise.then(() => done(), () => done());
    } else done();
  });
  // Transitions and animations that end (a fragment fading in: until its transition has
  // started, its computed visibility is still `hidden`, and measure() would skip it), on the
  // slide, inside it or on what holds it: not the deck's background, progress bar and arrows,
  // whose 0.8 s fades move nothing on the slide (waiting for them was most of the walk's time).
  // Only those of at most 3 s (the page has one of 100 s, a delay trick, that changes no
  // layout), and never waiting more than 3 s in all.
  const animationsDone = slide => Promise.race([
    Promise.all(document.getAnimations()
      .filter(a => a.effect && a.effect.target && a.effect.getComputedTiming().endTime <= 3000)
      .filter(a => slide.contains(a.effect.target) || a.effect.target.contains(slide))
      .map(a => a.finished.catch(() => null))),
    new Promise(done => setTimeout(done, 3000))]);
  const settle = async slide => {
    // Every folded solution and answer open: the slide as it is once the presenter opens them
    // (and a closed <details> keeps layout boxes for the content it hides, which would count).
    slide.querySelectorAll('details').forEach(d => { d.open = true; });
    await frame();
    await animationsDone(slide);
    await mathjaxIdle();
    if (document.fonts) await document.fonts.ready;
    await Promise.all([...slide.querySelectorAll('img')].map(img => img.complete ? null :
      new Promise(done => { img.addEventListener('load', done); img.addEventListener('error', done); })));
    await frame();
    await mathjaxIdle();  // the deck's re-layout queued after the last typeset
    await animationsDone(slide);
    await settled(slide);
  };
  const deck = async () => {
    const slides = [];
    for (const slide of Reveal.getSlides()) {
      const { h, v } = Reveal.getIndices(slide);
      Reveal.slide(h, v, -1);
      while (Reveal.nextFragment()) { /* show the next fragment */ }
      await settle(slide);
      slides.push({ h, ...measure(slide, v) });
    }
    Reveal.slide(0, 0, -1);
    return { width, height, slides };
  };
  window.slideWalk = { measure, settled, settle, deck, width, height };
}
