/// The page's inline CSS and script: no web font, no image, nothing fetched.
enum ReportStyle {
    /// One class per coloured niche (`.n3`), filling SVG shapes and HTML swatches alike; `.nt` is the
    /// grey of the small niches.
    static func nicheColors(_ context: ReportContext) -> String {
        var css = ""
        for id in 0..<context.colouredNiches {
            let color = context.nicheColors[id].description
            css += ".n\(id){fill:\(color);background:\(color)}\n"
        }
        return css
    }

    static let css = """
        :root{--ink:#1b1f24;--muted:#57606a;--line:#d0d7de;--soft:#f6f8fa;--accent:#0b5cad;--heat:#0b4f8a}
        *{box-sizing:border-box}
        html{font-family:system-ui,-apple-system,"Segoe UI","Noto Sans","DejaVu Sans",sans-serif;color:var(--ink);background:#fff;line-height:1.5}
        body{margin:0 auto;max-width:78rem;padding:0 1.25rem 3rem}
        h1{font-size:1.8rem;margin:1.5rem 0 .25rem}
        h2{font-size:1.4rem;margin:2.5rem 0 .75rem;padding-top:.5rem;border-top:2px solid var(--line)}
        h3{font-size:1.1rem;margin:1.5rem 0 .5rem}
        h4{font-size:.85rem;margin:.75rem 0 .25rem;color:var(--muted);text-transform:uppercase;letter-spacing:.03em}
        a{color:var(--accent)}
        .skip{position:absolute;left:-999px}.skip:focus{left:1rem;top:1rem;background:#fff;padding:.25rem .5rem}
        .lead{font-size:1.05rem;color:var(--muted);margin:0 0 .5rem}
        nav ul{list-style:none;padding:0;margin:.5rem 0;display:flex;flex-wrap:wrap;gap:.25rem 1rem}
        .search input{font:inherit;padding:.25rem .5rem;border:1px solid var(--line);border-radius:4px;min-width:16rem}
        .facts{display:flex;flex-wrap:wrap;gap:.5rem 1.5rem}.facts p{margin:0}
        .big{font-size:1.4rem;font-weight:600}
        .note{color:var(--muted);font-size:.9rem}
        table{border-collapse:collapse;margin:.5rem 0 1rem;font-size:.9rem}
        caption{text-align:left;color:var(--muted);font-size:.85rem;padding-bottom:.25rem}
        th,td{padding:.25rem .6rem;border-bottom:1px solid var(--line);text-align:left;vertical-align:top}
        thead th{background:var(--soft);white-space:nowrap}
        tbody th{font-weight:500}
        .num{text-align:right;font-variant-numeric:tabular-nums}
        .scroll{overflow-x:auto;max-width:100%}
        .barcell{width:12rem}.bar{display:inline-block;height:.7rem;background:var(--accent);opacity:.7}
        th button{font:inherit;font-weight:600;border:0;background:none;padding:0;cursor:pointer;color:inherit}
        th[aria-sort=ascending] button::after{content:" \\25B2"}th[aria-sort=descending] button::after{content:" \\25BC"}
        .sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}
        .sw{display:inline-block;width:.8em;height:.8em;border-radius:50%;margin-right:.3em;vertical-align:-.05em;border:1px solid rgba(0,0,0,.2)}
        .nt{fill:#b2b2b2;background:#b2b2b2}
        a.niche{text-decoration:none;color:inherit}a.niche:hover{text-decoration:underline}
        .cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(19rem,1fr));gap:1rem}
        .card{border:1px solid var(--line);border-radius:8px;padding:.75rem 1rem;break-inside:avoid}
        .card h3{margin:0 0 .25rem;font-size:1rem}
        .meta{margin:0;color:var(--muted);font-size:.85rem}
        .measures{display:flex;flex-wrap:wrap;gap:.25rem 1rem;margin:.5rem 0}
        .measures dt{font-size:.75rem;color:var(--muted)}.measures dd{margin:0;font-weight:600}
        .items{margin:0;padding-left:1.4rem;font-size:.9rem}
        .count{color:var(--muted);font-size:.8rem}
        .inflow{font-size:.85rem;margin:.5rem 0 0}
        figure{margin:1rem 0}figcaption{color:var(--muted);font-size:.85rem}
        svg text{font-family:inherit}
        .chart{width:100%;max-width:720px;height:auto}.chart .tbar{fill:var(--accent);opacity:.75}
        .axis{stroke:var(--muted)}.tick{font-size:10px;fill:var(--muted)}
        .heat{max-width:100%;height:auto}.heat .cell{fill:var(--heat)}
        .feed{display:block}.feed .thin{opacity:.35}
        .mapbox{border:1px solid var(--line);border-radius:8px;overflow:hidden}
        .map{display:block;width:100%;height:auto;max-height:80vh;cursor:grab;touch-action:none}
        .map .labels text{font-family:"DejaVu Sans","Noto Color Emoji","Noto Sans CJK SC",sans-serif;fill:#1b1f24;paint-order:stroke;stroke:#fff;stroke-width:3px;pointer-events:none}
        .map.hl circle{opacity:.15}.map.hl circle.on{opacity:1}
        .legend{list-style:none;padding:0;display:flex;flex-wrap:wrap;gap:.25rem 1rem;font-size:.85rem}
        pre{background:var(--soft);padding:.75rem;overflow-x:auto;white-space:pre-wrap;word-break:break-all}
        .kv th{white-space:nowrap;color:var(--muted);font-weight:500}
        .kv td{word-break:break-word}
        .hidden{display:none}
        @media (max-width:40rem){body{padding:0 .6rem 2rem}.barcell{width:6rem}}
        @media print{
          nav,.search,.skip{display:none}
          body{max-width:none;padding:0;font-size:10pt}
          h2{break-before:auto;break-after:avoid}h3,h4{break-after:avoid}
          .card,figure,tr{break-inside:avoid}
          .scroll{overflow:visible}
          .map{max-height:none}
          a{color:inherit;text-decoration:none}
          details{display:block}details>*{display:block}
        }

        """

    /// Sorting tables, the search box, map highlight and zoom. The page reads the same without it.
    static let script = """
        (function(){
        "use strict";
        function key(cell){var t=cell.textContent.trim();var n=parseFloat(t.replace(/[,%\\s]/g,""));return isNaN(n)?t.toLowerCase():n;}
        document.querySelectorAll("table.sortable").forEach(function(table){
          var heads=table.tHead?table.tHead.rows[0].cells:[];
          Array.prototype.forEach.call(heads,function(th,col){
            if(!th.textContent.trim())return;
            var b=document.createElement("button");b.type="button";
            while(th.firstChild)b.appendChild(th.firstChild);th.appendChild(b);
            b.addEventListener("click",function(){
              var asc=th.getAttribute("aria-sort")!=="ascending";
              Array.prototype.forEach.call(heads,function(h){h.removeAttribute("aria-sort");});
              th.setAttribute("aria-sort",asc?"ascending":"descending");
              var body=table.tBodies[0],rows=Array.prototype.slice.call(body.rows);
              rows.sort(function(x,y){var a=key(x.cells[col]),c=key(y.cells[col]);
                if(typeof a!==typeof c){a=String(a);c=String(c);}return (a<c?-1:a>c?1:0)*(asc?1:-1);});
              rows.forEach(function(r){body.appendChild(r);});
            });
          });
        });
        var box=document.querySelector(".search"),q=document.getElementById("q");
        if(box&&q){box.hidden=false;
          var items=document.querySelectorAll(".card, #small-niches tbody tr, table.donors tbody tr, #central-table tbody tr");
          q.addEventListener("input",function(){var s=q.value.trim().toLowerCase();
            items.forEach(function(e){e.classList.toggle("hidden",s!==""&&e.textContent.toLowerCase().indexOf(s)<0);});});
        }
        var svg=document.getElementById("mapsvg");
        if(svg){
          var base=svg.viewBox.baseVal,v={x:base.x,y:base.y,w:base.width,h:base.height},home={x:v.x,y:v.y,w:v.w,h:v.h};
          function set(){svg.setAttribute("viewBox",v.x+" "+v.y+" "+v.w+" "+v.h);}
          function pt(e){var r=svg.getBoundingClientRect();var s=Math.max(v.w/r.width,v.h/r.height);
            return {x:v.x+(e.clientX-r.left)*s-(r.width*s-v.w)/2,y:v.y+(e.clientY-r.top)*s-(r.height*s-v.h)/2,s:s};}
          svg.addEventListener("wheel",function(e){e.preventDefault();var p=pt(e),f=e.deltaY<0?0.8:1.25;
            v.x=p.x-(p.x-v.x)*f;v.y=p.y-(p.y-v.y)*f;v.w*=f;v.h*=f;set();},{passive:false});
          var drag=null;
          svg.addEventListener("pointerdown",function(e){drag={x:e.clientX,y:e.clientY,s:pt(e).s};});
          window.addEventListener("pointerup",function(){drag=null;});
          svg.addEventListener("pointermove",function(e){if(!drag)return;v.x-=(e.clientX-drag.x)*drag.s;v.y-=(e.clientY-drag.y)*drag.s;
            drag.x=e.clientX;drag.y=e.clientY;set();});
          svg.addEventListener("dblclick",function(){v={x:home.x,y:home.y,w:home.w,h:home.h};set();});
          var circles=svg.querySelectorAll("circle");
          svg.addEventListener("mouseover",function(e){var t=e.target;if(t.tagName!=="circle")return;var c=t.getAttribute("data-c");
            svg.classList.add("hl");circles.forEach(function(n){n.classList.toggle("on",n.getAttribute("data-c")===c);});});
          svg.addEventListener("mouseout",function(e){if(e.target.tagName==="circle")svg.classList.remove("hl");});
        }
        })();

        """
}
