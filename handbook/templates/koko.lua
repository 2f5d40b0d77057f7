--[[
KoKo-Handbuch: pandoc Lua filter for the print outputs (Typst for the PDF, DOCX for Word).

Content is data: every string taken from the document and written into Typst code goes through
typst_string(), so it can only ever become a Typst string literal.

Typst:
  * images get their alt text (pandoc's Typst writer drops it; PDF/UA-1 needs it);
  * `::: {.callout .trainer title="…"}` / `.loesung` become #callout(…)[…] boxes from the template;
  * `.impressum`, `.inhaltsverzeichnis`, `.arbeitsblatt`, `.kopiervorlage`, `.kartensatz` and `.koko-schreibplatz`
    divs call the template's functions;
  * headings without an identifier (sub-sections) and glossary entries stay out of the table of
    contents and the PDF bookmarks; header cells of tables are set in bold.
DOCX:
  * callouts become a bold title plus a paragraph style "Hinweis"; worksheets start on a new page;
    the table-of-contents placeholder is dropped (pandoc's --toc makes Word's own).
]]

local function typst_string(s)
  s = s:gsub('\\', '\\\\'):gsub('"', '\\"'):gsub('\r', ''):gsub('\n', '\\n'):gsub('\t', ' ')
  return '"' .. s .. '"'
end

local function has_class(el, cls)
  for _, c in ipairs(el.classes) do
    if c == cls then return true end
  end
  return false
end

local function callout_kind(div)
  for _, c in ipairs(div.classes) do
    if c ~= 'callout' then return c end
  end
  return 'hinweis'
end

local is_typst = FORMAT:match('typst') ~= nil
local is_docx = FORMAT:match('docx') ~= nil

-- Typst -------------------------------------------------------------------------------------------

local function typst_image(img)
  local alt = img.attributes['alt']
  if alt == nil or alt == '' then
    alt = pandoc.utils.stringify(img.caption)
  end
  local args = typst_string(img.src)
  if alt ~= '' then
    args = args .. ', alt: ' .. typst_string(alt)
  end
  if img.attributes['width'] and img.attributes['width']:match('^%d+%.?%d*%%$') then
    args = args .. ', width: ' .. img.attributes['width']
  end
  -- `#{…}`: a code block, so that no following character can continue the call
  return pandoc.RawInline('typst', '#{image(' .. args .. ')}')
end

local function wrap(call, blocks)
  local out = pandoc.List({ pandoc.RawBlock('typst', call .. '[') })
  out:extend(blocks)
  out:insert(pandoc.RawBlock('typst', ']'))
  return out
end

local function unlist(block)
  return block:walk({
    Header = function(hd)
      if not has_class(hd, 'unlisted') then hd.classes:insert('unlisted') end
      return hd
    end,
  })
end

local function typst_div(div)
  if has_class(div, 'callout') then
    local title = div.attributes['title'] or ''
    return wrap('#callout(kind: ' .. typst_string(callout_kind(div)) .. ', title: ' .. typst_string(title) .. ')',
                div.content)
  elseif has_class(div, 'impressum') then
    return wrap('#impressum', div.content)
  elseif has_class(div, 'inhaltsverzeichnis') then
    return pandoc.RawBlock('typst', '#inhaltsverzeichnis()')
  elseif has_class(div, 'arbeitsblatt') then
    return wrap(has_class(div, 'erstes') and '#arbeitsblatt(first: true)' or '#arbeitsblatt', div.content)
  elseif has_class(div, 'kartensatz') then
    -- the role cards of one set (each a `.kartensatz-karte` div with its footer line); the template puts two on a page
    -- where they fit
    local out = pandoc.List({ pandoc.RawBlock('typst', '#kartensatz(') })
    for _, card in ipairs(div.content) do
      out:insert(pandoc.RawBlock('typst', '(' .. typst_string(card.attributes['fuss'] or '') .. ', ['))
      out:extend(card.content)
      out:insert(pandoc.RawBlock('typst', ']),'))
    end
    out:insert(pandoc.RawBlock('typst', ')'))
    return out
  elseif has_class(div, 'kopiervorlage') then
    -- one photocopy master (a sheet or one role card): a page of its own with its own footer line
    -- (a card of a card set in large print)
    return wrap('#kopiervorlage(fuss: ' .. typst_string(div.attributes['fuss'] or '')
                .. (has_class(div, 'karte') and ', karte: true' or '') .. ')', div.content)
  elseif has_class(div, 'koko-vierfach') then
    -- a small card, four times on one page with cut lines (drawn by the template)
    return wrap('#vierfach', div.content)
  elseif has_class(div, 'koko-aufgabe') then
    -- a task with its room to write stays on one page (no heading alone at the foot of a page)
    return wrap('#block(breakable: false, width: 100%)', div.content)
  elseif has_class(div, 'koko-schreibplatz') then
    -- room to write: ruled lines or a box, drawn by the template (artifacts, not text)
    local n = tonumber(div.attributes['data-zeilen'] or '0') or 0
    return pandoc.RawBlock('typst', '#schreibplatz(' .. math.floor(n) .. ', kasten: '
                           .. (has_class(div, 'koko-kasten') and 'true' or 'false') .. ')')
  elseif has_class(div, 'glossar') then
    return unlist(div).content
  elseif has_class(div, 'fallstudie') then
    -- every case study starts on a new page, so that one case can be copied on its own
    local out = pandoc.List({ pandoc.RawBlock('typst', '#pagebreak(weak: true)') })
    out:extend(div.content)
    return out
  end
  return nil
end

-- A diagram the project draws (handbook.diagrams, a `.diagramm` figure with raw Typst inside): pandoc's
-- writer drops the alt text, which PDF/UA-1 needs on the figure; write the figure call ourselves.
local function typst_figure(fig)
  if not has_class(fig, 'diagramm') then return nil end
  local alt = fig.attributes['alt'] or ''
  local args = 'alt: ' .. typst_string(alt)
  local caption = pandoc.utils.blocks_to_inlines(fig.caption.long or {})
  if #caption > 0 then
    local cap = pandoc.write(pandoc.Pandoc({ pandoc.Plain(caption) }), 'typst')
    args = args .. ', caption: [' .. cap:gsub('%s+$', '') .. ']'
  end
  -- the figure also holds the diagram as a PNG for Word (class diagramm-bild): Typst draws it itself
  local drawing = pandoc.List()
  for _, block in ipairs(fig.content) do
    if block.t == 'RawBlock' then drawing:insert(block) end
  end
  return wrap('#figure(' .. args .. ')', drawing)
end

-- Typst reads "15. " at the start of a line as a numbered-list item; pandoc's writer does not escape it
-- in headings and table cells ("15. März 2027" in the Ablaufplan).
local function escape_enum_marker(el)
  local first = el.content[1]
  if first and first.t == 'Str' and first.text:match('^%d+%.$') then
    el.content[1] = pandoc.RawInline('typst', first.text:sub(1, -2) .. '\\.')
  end
  return el
end

local function typst_header(hd)
  escape_enum_marker(hd)
  if hd.identifier == '' and not has_class(hd, 'unlisted') then
    hd.classes:insert('unlisted')
  end
  return hd
end

local function strong_cells(tbl)
  for _, row in ipairs(tbl.head.rows) do
    for _, c in ipairs(row.cells) do
      c.contents = c.contents:walk({
        Plain = function(p) return pandoc.Plain({ pandoc.Strong(p.content) }) end,
        Para = function(p) return pandoc.Para({ pandoc.Strong(p.content) }) end,
      })
    end
  end
  return tbl
end

-- DOCX --------------------------------------------------------------------------------------------

local PAGE_BREAK = '<w:p><w:r><w:br w:type="page"/></w:r></w:p>'

-- Figures are written root-relative for Typst ("/bilder/x.png"); pandoc finds them via --resource-path.
local function docx_image(img)
  if img.src:sub(1, 1) == '/' then img.src = img.src:sub(2) end
  return img
end

-- A drawn diagram holds its Typst drawing (a raw block) and its PNG; Word gets only the picture (with
-- two blocks, pandoc would lay the figure out as a table of sub-figures).
local function docx_figure(fig)
  if not has_class(fig, 'diagramm') then return nil end
  fig.content = fig.content:filter(function(block) return block.t ~= 'RawBlock' end)
  return fig
end

local function docx_div(div)
  if has_class(div, 'callout') then
    local title = div.attributes['title'] or ''
    local body = pandoc.List({ pandoc.Para({ pandoc.Strong({ pandoc.Str(title) }) }) })
    body:extend(div.content)
    return pandoc.Div(body, pandoc.Attr('', {}, { ['custom-style'] = 'Hinweis' }))
  elseif has_class(div, 'inhaltsverzeichnis') then
    return {}
  elseif has_class(div, 'arbeitsblatt') or has_class(div, 'fallstudie') then
    local out = pandoc.List({ pandoc.RawBlock('openxml', PAGE_BREAK) })
    out:extend(div.content)
    return out
  end
  return nil
end

if is_typst then
  return {
    { Div = typst_div, Figure = typst_figure },
    { Header = typst_header, Image = typst_image, Table = strong_cells, Plain = escape_enum_marker },
  }
elseif is_docx then
  return { { Div = docx_div, Figure = docx_figure, Image = docx_image } }
end
return {}
