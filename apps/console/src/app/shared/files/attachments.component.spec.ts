import { TestBed } from '@angular/core/testing';
import type { Attachment } from '@parley/contracts';
import { AttachmentFiles } from '../../core/api/attachment-files';
import { AttachmentsComponent } from './attachments.component';

describe('AttachmentsComponent', () => {
  const image: Attachment = { id: 'img-1', name: 'shot.png', size: 2048, contentType: 'image/png', width: 4, height: 3 };
  const doc: Attachment = { id: 'doc-1', name: '<img src=x onerror=alert(1)>.pdf', size: 1536, contentType: 'application/pdf' };
  let created: string[];
  let revoked: string[];
  let fetched: string[];

  beforeEach(() => {
    created = [];
    revoked = [];
    fetched = [];
    let n = 0;
    // jsdom has no blob URLs: count what the component makes and gives back.
    URL.createObjectURL = () => {
      const url = `blob:test/${++n}`;
      created.push(url);
      return url;
    };
    URL.revokeObjectURL = (url: string) => void revoked.push(url);
    TestBed.configureTestingModule({
      providers: [{ provide: AttachmentFiles, useValue: { bytes: async (id: string) => (fetched.push(id), new Blob(['x'])) } }],
    });
  });

  async function render(list: Attachment[]) {
    const fixture = TestBed.createComponent(AttachmentsComponent);
    fixture.componentRef.setInput('attachments', list);
    fixture.detectChanges();
    await fixture.whenStable();
    fixture.detectChanges();
    return { fixture, el: fixture.nativeElement as HTMLElement };
  }

  it('shows an image through a blob URL of its bytes and gives the URL back when it leaves the page', async () => {
    const { fixture, el } = await render([image]);
    expect(fetched).toEqual(['img-1']);
    const img = el.querySelector('[data-testid="thumbnail"] img') as HTMLImageElement;
    expect(img.getAttribute('src')).toBe(created[0]);
    expect(img.alt).toBe('shot.png');
    fixture.destroy();
    expect(revoked).toEqual(created);
  });

  it('shows another file as a chip with its name as text and its size, fetching nothing until clicked', async () => {
    const { el } = await render([doc]);
    const chip = el.querySelector('[data-testid="file-chip"]') as HTMLElement;
    expect(chip.querySelector('.name')?.textContent).toBe(doc.name);
    expect(chip.querySelector('.size')?.textContent).toBe('1.5 KB');
    expect(el.querySelector('img')).toBeNull();
    expect(fetched).toEqual([]);
  });

  it('opens the lightbox with the close button focused; Escape closes it and the focus goes back', async () => {
    const { fixture, el } = await render([image]);
    const thumb = el.querySelector('[data-testid="thumbnail"]') as HTMLButtonElement;
    thumb.click();
    fixture.detectChanges();
    await fixture.whenStable();
    const box = el.querySelector('[data-testid="lightbox"]') as HTMLElement;
    expect(box.getAttribute('role')).toBe('dialog');
    expect(document.activeElement?.getAttribute('aria-label')).toBe('Close image');
    document.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true }));
    fixture.detectChanges();
    expect(el.querySelector('[data-testid="lightbox"]')).toBeNull();
    expect(document.activeElement).toBe(thumb);
  });
});
